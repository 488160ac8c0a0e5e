// The Neware .nda and .ndax readers against NewareNDA's own readings of four real files, value by
// value (test/fixtures/SOURCES.md), and on damaged files: cut at any byte, bytes flipped, parts
// of an .ndax missing, cut or corrupt. Only DataErrors may escape, and a damaged file keeps the
// rows before the damage. The fuzzing runs in a worker thread so that a hang fails its test
// (terminated after a wide watchdog) instead of freezing the suite. Reproduce or deepen a run:
//   FUZZ_SEED=<n>   the fast-check seed (default fixed, so runs are repeatable)
//   FUZZ_SCALE=<x>  multiply the number of random cases (default 1)
import { strict as assert } from 'assert';
import * as fc from 'fast-check';
import * as fs from 'fs';
import { unzipSync, zipSync } from 'fflate';
import { isMainThread, parentPort, Worker, workerData } from 'worker_threads';
import { parseNda, readNda } from '../server/readers/neware/nda';
import { isNdaxHead } from '../server/readers/magic';
import { parseNdax, readNdax } from '../server/readers/neware/ndax';
import { Column, ColumnKind, DataError, DataTable, column } from '../server/readers/types';
import { fixture, float32Close, readFeatherReference } from './helpers/references';

const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : 0x4e_da_7a;
const SCALE = process.env.FUZZ_SCALE ? Number(process.env.FUZZ_SCALE) : 1;
const runs = (n: number) => Math.max(1, Math.round(n * SCALE));
/** Per fuzz case: far above the milliseconds a case takes, only there to catch a hang. */
const WATCHDOG_MS = 30_000;

interface Fixture {
  name: string;
  /** NewareNDA's Time is the record's own time field: the step time, except in BTS 9.1 records, which store the test time. */
  timeKind: ColumnKind;
}

const FIXTURES: Fixture[] = [
  { name: 'newarenda_new_nda_file.nda', timeKind: 'stepTime' }, // nda 29 (BTS 7.6)
  { name: 'newarenda_TestFile.nda', timeKind: 'time' }, // nda 130, BTS 9.1 (NewareNDA issue 72)
  { name: 'newarenda_test_2.ndax', timeKind: 'stepTime' }, // ndc 17 with run info and step parts
  { name: 'newarenda_TESTCELL0001-Test_Data_Collection_Ndc17.ndax', timeKind: 'stepTime' }, // ndc 17 with a T1 channel
];

const parse = (name: string, bytes: Uint8Array): DataTable => (name.endsWith('.ndax') ? parseNdax(bytes, name) : parseNda(bytes, name));
const bytesOf = (name: string): Buffer => fs.readFileSync(fixture(name));

// ---------------------------------------------------------------------------------------------
// NewareNDA's columns and ours: which column, and ours converted back to NewareNDA's unit.

interface Counterpart { pick: (t: DataTable) => Column | undefined; back: (v: number) => number }

function counterparts(timeKind: ColumnKind): Record<string, Counterpart> {
  const kind = (k: ColumnKind, f = 1): Counterpart => ({ pick: (t) => column(t, k), back: (v) => v * f });
  return {
    Index: kind('index'),
    Cycle: kind('cycle'),
    Step: kind('step'),
    Step_Index: { pick: (t) => t.columns.find((c) => c.name === 'Step_Index'), back: (v) => v },
    Time: kind(timeKind),
    Voltage: kind('voltage'),
    'Current(mA)': kind('current', 1e3), // A -> mA
    'Charge_Capacity(mAh)': kind('chargeCapacity', 1 / 3.6), // A·s -> mAh
    'Discharge_Capacity(mAh)': kind('dischargeCapacity', 1 / 3.6),
    'Charge_Energy(mWh)': kind('chargeEnergy', 1 / 3.6), // J -> mWh
    'Discharge_Energy(mWh)': kind('dischargeEnergy', 1 / 3.6),
    T1: { pick: (t) => t.columns.find((c) => c.name === 'T1'), back: (v) => v - 273.15 }, // K -> °C
    V1: { pick: (t) => t.columns.find((c) => c.name === 'V1'), back: (v) => v },
  };
}

/** The first few rows where ours and the reference differ, for the assertion message. */
function mismatches(n: number, differ: (i: number) => string | undefined): string[] {
  const out: string[] = [];
  for (let i = 0; i < n && out.length < 3; i++) {
    const d = differ(i);
    if (d) out.push(`row ${i}: ${d}`);
  }
  return out;
}

function registerTests(): void {
  describe('Neware .nda and .ndax against NewareNDA', () => {
    for (const f of FIXTURES) {
      it(`${f.name}: every column both readings have agrees to float32 precision, timestamps equal to the millisecond`, () => {
        const ours = parse(f.name, bytesOf(f.name));
        const ref = readFeatherReference(fixture(`${f.name}.reference.ftr`));
        assert.equal(ours.rows, ref.rows, 'row count');
        for (const c of ours.columns) assert.equal(c.values.length, ours.rows, `${c.name} has one value per row`);
        const map = counterparts(f.timeKind);
        const compared: string[] = [];
        for (const [name, refValues] of Object.entries(ref.columns)) {
          if (name === 'Status') {
            const status = column(ours, 'stepType')!;
            const bad = mismatches(ref.rows, (i) => (status.labels![status.values[i]] === refValues[i] ? undefined : `${status.labels![status.values[i]]} vs ${refValues[i]}`));
            assert.deepEqual(bad, [], 'Status: our labels are the names NewareNDA gives');
          } else if (name === 'Timestamp') {
            // Both are s since 1970 UTC. nda 29 records carry the tester's wall clock without a zone;
            // NewareNDA (run in UTC) and we both read it as UTC, so there is no offset to remove.
            const t = column(ours, 'dateTime')!;
            const bad = mismatches(ref.rows, (i) => (Math.abs(t.values[i] - Number(refValues[i])) <= 1e-3 + 1e-6 ? undefined : `${t.values[i]} vs ${refValues[i]}`));
            assert.deepEqual(bad, [], 'Timestamp');
          } else {
            const m = map[name];
            assert.ok(m, `a counterpart for NewareNDA's column ${name}`);
            const c = m.pick(ours);
            if (!c) {
              // A column only NewareNDA has must be empty there (its V1 of a file with no aux voltage).
              assert.ok(refValues.every((v) => v === null), `${name}: NewareNDA has values we do not read`);
              continue;
            }
            const bad = mismatches(ref.rows, (i) => {
              const v = m.back(c.values[i]), r = refValues[i] === null ? NaN : Number(refValues[i]);
              return float32Close(v, r, 1e-6) ? undefined : `${v} vs ${r}`;
            });
            assert.deepEqual(bad, [], name);
          }
          compared.push(name);
        }
        assert.ok(compared.length >= 13, `compared ${compared.join(', ')}`);
      });
    }

    it('labels step types with the names Neware shows, and keeps units in SI', () => {
      const t = parse('newarenda_TestFile.nda', bytesOf('newarenda_TestFile.nda'));
      const status = column(t, 'stepType')!;
      assert.deepEqual(Object.values(status.labels!).sort(), ['CC_Chg', 'CC_DChg', 'CV_Chg', 'Rest']);
      const kinds = t.columns.map((c) => c.kind);
      for (const k of ['index', 'cycle', 'step', 'stepType', 'time', 'stepTime', 'voltage', 'current', 'chargeCapacity',
        'dischargeCapacity', 'chargeEnergy', 'dischargeEnergy', 'dateTime', 'temperature'] as ColumnKind[]) assert.ok(kinds.includes(k), k);
      const T = column(t, 'temperature')!.values;
      assert.ok(T.every((k) => k > 290 && k < 310), 'T1 in kelvin, near room temperature');
      // A 3 A discharge (NewareNDA: -3000.3 mA) is -3.0003 A: negative, as Neware signs discharge.
      const I = column(t, 'current')!.values;
      assert.ok(Math.abs(I[3335] + 3.0003) < 1e-3);
      assert.equal(t.lineOfRow(10), 0);
    });

    it('derives the test time from the step times so that it keeps pace with the record clocks', () => {
      // nda 29 stores only step time (ms) and a wall clock (s); ndc 17 step time and Unix time (ms).
      for (const [name, tolerance] of [['newarenda_new_nda_file.nda', 1], ['newarenda_test_2.ndax', 1e-3]] as const) {
        const t = parse(name, bytesOf(name));
        const time = column(t, 'time')!.values, clock = column(t, 'dateTime')!.values;
        let worst = 0;
        for (let i = 0; i < t.rows; i++) worst = Math.max(worst, Math.abs(clock[i] - clock[0] - (time[i] - time[0])));
        assert.ok(worst <= tolerance + 1e-6, `${name}: test time drifts ${worst} s from the record clock`);
      }
    });

    it('keeps what the files say about the test: software, start, channel, mass, time zone', () => {
      const nda29 = parse('newarenda_new_nda_file.nda', bytesOf('newarenda_new_nda_file.nda'));
      assert.match(nda29.meta['Software'], /BTSServer/);
      assert.match(nda29.meta['Start time'], /^2020-03-25 11:16:21/);
      assert.equal(nda29.meta['Active mass'], '1 mg');
      assert.match(nda29.meta['Time zone'], /not recorded/);
      const bts9 = parse('newarenda_TestFile.nda', bytesOf('newarenda_TestFile.nda'));
      assert.equal(bts9.meta['Software'], 'BTS 9.1.5.7.20240403.R5');
      assert.equal(bts9.meta['Layout'], 'BTS 9.1');
      assert.match(bts9.meta['Start time'], /^2024-05-27T08:02/);
      const ndax = parse('newarenda_test_2.ndax', bytesOf('newarenda_test_2.ndax'));
      assert.match(ndax.meta['Software'], /BTSServer\(R3\)-8\.0\.1\.437/);
      assert.equal(ndax.meta['Channel'], 'unit 0, channel 55');
      assert.equal(ndax.meta['Active mass'], '3.04 mg');
      // TestInfo's local start, 09:22:52, against the first record's Unix time, 08:22:55 UTC.
      assert.match(ndax.meta['Time zone'], /^UTC\+01:00/);
      assert.equal(ndax.meta['ndc version'], '17');
    });

    it('tells an .ndax from another zip (a workbook) by the first bytes', () => {
      for (const f of FIXTURES.filter((x) => x.name.endsWith('.ndax'))) assert.ok(isNdaxHead(bytesOf(f.name).subarray(0, 64 * 1024)), f.name);
      const workbook = zipSync({ '[Content_Types].xml': new Uint8Array(40), 'xl/workbook.xml': new Uint8Array(40), 'xl/worksheets/sheet1.xml': new Uint8Array(40) });
      assert.ok(!isNdaxHead(workbook));
    });

    it('reads the files from disk (readNda, readNdax)', async () => {
      const a = await readNda(fixture('newarenda_new_nda_file.nda'));
      assert.equal(a.format, 'neware-nda');
      assert.equal(a.rows, 439);
      const b = await readNdax(fixture('newarenda_TESTCELL0001-Test_Data_Collection_Ndc17.ndax'));
      assert.equal(b.format, 'neware-ndax');
      assert.equal(b.rows, 80);
      await assert.rejects(readNda(fixture('does-not-exist.nda')), DataError);
    });
  });

  describe('Neware files that are damaged', () => {
    const ndaxParts = (name: string) => unzipSync(bytesOf(name));
    const error = (f: () => unknown, pattern: RegExp) => assert.throws(f, (e: unknown) => e instanceof DataError && pattern.test(e.message));

    it('an empty zip is an .ndax with no data records', () => {
      error(() => parseNdax(zipSync({}), 'empty.ndax'), /the \.ndax holds no data records/);
    });

    it('a zip without data.ndc names the missing part', () => {
      const parts = ndaxParts('newarenda_test_2.ndax');
      delete parts['data.ndc'];
      error(() => parseNdax(zipSync(parts), 'x.ndax'), /no data\.ndc part/);
    });

    it('without data_runInfo.ndc the times are missing: a DataError names the part', () => {
      const parts = ndaxParts('newarenda_test_2.ndax');
      delete parts['data_runInfo.ndc'];
      error(() => parseNdax(zipSync(parts), 'x.ndax'), /data_runInfo\.ndc/);
    });

    it('without data_step.ndc the table keeps time, voltage and current, and says what is missing', () => {
      const parts = ndaxParts('newarenda_test_2.ndax');
      delete parts['data_step.ndc'];
      const t = parseNdax(zipSync(parts), 'x.ndax');
      assert.equal(t.rows, 108563);
      assert.ok(!column(t, 'stepType') && column(t, 'time') && column(t, 'voltage'));
      assert.ok(t.problems.some((p) => /data_step\.ndc/.test(p.message)));
    });

    it('a cut auxiliary part is a warning naming it; the data stay whole', () => {
      const parts = ndaxParts('newarenda_TESTCELL0001-Test_Data_Collection_Ndc17.ndax');
      parts['data_AUX_225_3_1.ndc'] = parts['data_AUX_225_3_1.ndc'].subarray(0, 100);
      const t = parseNdax(zipSync(parts), 'x.ndax');
      assert.equal(t.rows, 80);
      assert.ok(!column(t, 'temperature'));
      assert.ok(t.problems.some((p) => /data_AUX_225_3_1\.ndc/.test(p.message)));
    });

    it('a corrupt data.ndc inside the zip is reported by name (checksum or inflate error)', () => {
      const b = Buffer.from(bytesOf('newarenda_test_2.ndax'));
      b[1000] ^= 0xff; // data.ndc is the first part; byte 1000 lies in its compressed data
      let t: DataTable | undefined;
      try { t = parseNdax(b, 'x.ndax'); } catch (e) { assert.ok(e instanceof DataError && /data\.ndc/.test(e.message)); return; }
      assert.ok(t.problems.some((p) => /data\.ndc is damaged/.test(p.message)), JSON.stringify(t.problems));
    });

    it('an .ndax cut short keeps the points before the cut, matching the whole file', () => {
      const whole = parse('newarenda_test_2.ndax', bytesOf('newarenda_test_2.ndax'));
      const b = bytesOf('newarenda_test_2.ndax');
      const cut = parseNdax(b.subarray(0, Math.floor(b.length * 0.7)), 'cut.ndax');
      assert.ok(cut.rows > 1000 && cut.rows < whole.rows, `${cut.rows} rows`);
      assert.ok(cut.problems.some((p) => /zip directory/.test(p.message)));
      const v = column(cut, 'voltage')!.values, w = column(whole, 'voltage')!.values;
      const t = column(cut, 'stepTime')!.values, tw = column(whole, 'stepTime')!.values;
      for (let i = 0; i < cut.rows; i++) assert.ok(v[i] === w[i] && t[i] === tw[i], `row ${i}`);
    });

    it('an .nda cut inside its records keeps the records before the cut', () => {
      for (const name of ['newarenda_new_nda_file.nda', 'newarenda_TestFile.nda']) {
        const b = bytesOf(name);
        const whole = parseNda(b, name);
        const cut = parseNda(b.subarray(0, b.length - Math.floor((b.length * 0.1))), name);
        assert.ok(cut.rows > 0 && cut.rows < whole.rows);
        assert.ok(cut.problems.some((p) => /ends inside its data block/.test(p.message)));
        const idx = column(cut, 'index')!.values, w = column(whole, 'index')!.values;
        const v = column(cut, 'voltage')!.values, wv = column(whole, 'voltage')!.values;
        for (let i = 0; i < cut.rows; i++) assert.ok(idx[i] === w[i] && v[i] === wv[i]);
      }
    });

    it('an .nda cut before its data block, or not an .nda at all, is a DataError that says so', () => {
      const b = bytesOf('newarenda_new_nda_file.nda');
      error(() => parseNda(b.subarray(0, 5000), 'x.nda'), /before its data block/);
      error(() => parseNda(b.subarray(0, 20), 'x.nda'), /ends inside its header/);
      error(() => parseNda(Buffer.from('Record ID,Realtime\n1,2\n'), 'x.nda'), /does not start with "NEWARE"/);
      error(() => parseNdax(Buffer.from('PK not really'), 'x.ndax'), /not a zip archive/);
    });

    it('reads a BTS 9.0 .nda (device-tagged records, aux records apart) built from the documented layout', () => {
      const t = parseNda(bts90File(), 'bts90.nda');
      assert.equal(t.meta['Layout'], 'BTS 9.0');
      assert.equal(t.rows, 2);
      assert.deepEqual([...column(t, 'stepTime')!.values], [0.5, 1.5]);
      assert.deepEqual([...column(t, 'time')!.values], [0.5, 1.5]);
      assert.ok(Math.abs(column(t, 'current')!.values[1] - 0.1) < 1e-9); // 100 mA
      assert.ok(Math.abs(column(t, 'chargeCapacity')!.values[1] - 0.36) < 1e-7); // 360 mAs
      assert.equal(column(t, 'dateTime')!.values[0], 1.7e9);
      assert.ok(Math.abs(column(t, 'temperature')!.values[1] - 298.15) < 1e-9); // 25.0 °C
      assert.equal(column(t, 'stepType')!.labels![1], 'CC_Chg');
    });

    describe('fuzzing (seeded; only DataErrors escape, in a worker with a watchdog)', function () {
      this.timeout(10 * 60_000);
      for (const f of FIXTURES) {
        it(`${f.name}: random cuts and byte flips`, async () => expectClean(await runInWorker({ fixture: f.name, kind: 'bytes' })));
        if (f.name.endsWith('.ndax')) {
          it(`${f.name}: parts cut, flipped or dropped inside an intact zip`, async () => expectClean(await runInWorker({ fixture: f.name, kind: 'parts' })));
        }
      }
    });
  });
}

/** Two BTS 9.0 data records and one aux record, laid out as NewareNDA and fastnda read them. */
function bts90File(): Uint8Array {
  const L = 88;
  const b = new Uint8Array(1024 + 3 * L);
  const dv = new DataView(b.buffer);
  b.set([...'NEWARE'].map((c) => c.charCodeAt(0)), 0);
  b[14] = 130;
  dv.setUint32(82, 1024, true);
  dv.setUint32(90, 3 * L, true);
  for (let k = 0; k < 2; k++) {
    const at = 1024 + k * L;
    b.set([0x1d, 0xf0, 0x00, 0x06, 0x55], at); // device tag, identifier
    b[at + 9] = 1; // step id
    b[at + 10] = 1; // CC_Chg
    dv.setUint32(at + 16, k + 1, true); // index
    dv.setUint32(at + 28, (k + 0.5) * 1e6, true); // step time, µs
    dv.setFloat32(at + 36, 3.5 + k * 0.1, true); // V
    dv.setFloat32(at + 40, 100, true); // mA
    dv.setFloat32(at + 52, 360 * k, true); // charge capacity, mAs
    dv.setUint32(at + 68, (1.7e9 + k) * 1e6 % 4294967296, true); // Unix time, µs (u64)
    dv.setUint32(at + 72, Math.floor(((1.7e9 + k) * 1e6) / 4294967296), true);
  }
  const aux = 1024 + 2 * L;
  b[aux + 4] = 0x65; // aux record: zero tag, identifier 0x65
  b[aux + 5] = 1; // aux channel
  dv.setUint32(aux + 6, 2, true); // index of the data record it belongs to
  dv.setInt16(aux + 38, 250, true); // 25.0 °C
  return b;
}

// ---------------------------------------------------------------------------------------------
// Fuzzing in a worker

interface FuzzJob { fixture: string; kind: 'bytes' | 'parts' }
type FuzzResult = { ok: true; cases: number; errors: number; tables: number } | { ok: false; error: string };

function expectClean(r: FuzzResult): void {
  if (!r.ok) assert.fail(r.error);
  assert.ok(r.cases > 0);
}

/** The invariants of any reading of damaged bytes: a DataError, or a consistent table. */
function checkReading(name: string, bytes: Uint8Array, counts: { errors: number; tables: number }): void {
  let t: DataTable;
  try {
    t = parse(name, bytes);
  } catch (e) {
    if (e instanceof DataError) { counts.errors++; return; }
    throw e;
  }
  counts.tables++;
  if (!(t.rows > 0)) throw new Error(`a table with ${t.rows} rows instead of a DataError`);
  for (const c of t.columns) {
    if (c.values.length !== t.rows) throw new Error(`${c.name} has ${c.values.length} values for ${t.rows} rows`);
    if (c.labels) for (const v of c.values) if (v === v && !(v in c.labels)) throw new Error(`${c.name} code ${v} has no label`);
  }
  if (t.lineOfRow(0) !== 0) throw new Error('lineOfRow of a binary file must be 0');
}

function fuzzWorker(): void {
  const job = workerData as FuzzJob;
  const original = bytesOf(job.fixture);
  const counts = { errors: 0, tables: 0 };
  let cases = 0;
  const started = (what: string) => { cases++; parentPort!.postMessage({ started: what }); };
  // The large .ndax takes ~0.1 s a reading: fewer cases there.
  const n = runs(original.length > 1e6 ? 25 : 120);
  let details: fc.RunDetails<unknown>[] = [];
  if (job.kind === 'bytes') {
    const len = original.length;
    const cut = fc.property(fc.nat({ max: len }), (at) => {
      started(`cut at byte ${at}`);
      checkReading(job.fixture, original.subarray(0, at), counts);
    });
    const flips = fc.property(fc.array(fc.tuple(fc.nat({ max: len - 1 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 40 }), (changes) => {
      started(`bytes set: ${JSON.stringify(changes.slice(0, 5))}${changes.length > 5 ? '…' : ''}`);
      const b = Uint8Array.from(original);
      for (const [at, v] of changes) b[at] = v;
      checkReading(job.fixture, b, counts);
    });
    const both = fc.property(fc.nat({ max: len }), fc.array(fc.nat({ max: len - 1 }), { minLength: 1, maxLength: 8 }), (at, flipsAt) => {
      started(`cut at ${at}, bits flipped at ${flipsAt.join(',')}`);
      const b = Uint8Array.from(original.subarray(0, at));
      for (const p of flipsAt) if (p < b.length) b[p] ^= 0x10;
      checkReading(job.fixture, b, counts);
    });
    details = [
      fc.check(cut, { seed: SEED, numRuns: n }) as fc.RunDetails<unknown>,
      fc.check(flips, { seed: SEED + 1, numRuns: n }) as fc.RunDetails<unknown>,
      fc.check(both, { seed: SEED + 2, numRuns: n }) as fc.RunDetails<unknown>,
    ];
  } else {
    const parts = unzipSync(original);
    const names = Object.keys(parts);
    const damage = fc.property(
      fc.constantFrom(...names), fc.constantFrom<'cut' | 'flip' | 'drop'>('cut', 'flip', 'drop'), fc.nat(), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 300 }),
      (part, how, cutAt, changes) => {
        started(`${how} ${part}`);
        const copy: Record<string, Uint8Array> = {};
        for (const k of names) copy[k] = parts[k];
        if (how === 'drop') delete copy[part];
        else if (how === 'cut') copy[part] = parts[part].subarray(0, cutAt % (parts[part].length + 1));
        else {
          const b = Uint8Array.from(parts[part]);
          for (const [at, v] of changes) if (b.length) b[at % b.length] = v;
          copy[part] = b;
        }
        checkReading(job.fixture, zipSync(copy), counts);
      });
    details = [fc.check(damage, { seed: SEED, numRuns: n }) as fc.RunDetails<unknown>];
  }
  const failed = details.find((d) => d.failed);
  if (failed) {
    const err = failed.errorInstance as Error | undefined;
    parentPort!.postMessage({ ok: false, error: `${job.fixture} (${job.kind}): ${err?.stack ?? String(err)}\ncounterexample: ${JSON.stringify(failed.counterexample)?.slice(0, 400)} (seed ${failed.seed}, path ${failed.counterexamplePath})` });
    return;
  }
  parentPort!.postMessage({ ok: true, cases, ...counts });
}

function runInWorker(job: FuzzJob): Promise<FuzzResult> {
  return new Promise((resolve) => {
    const w = new Worker(__filename, { workerData: job });
    let timer: NodeJS.Timeout | undefined;
    let done = false;
    const finish = (r: FuzzResult) => {
      if (done) return;
      done = true;
      if (timer) clearTimeout(timer);
      void w.terminate();
      resolve(r);
    };
    w.on('message', (m: { started?: string } & FuzzResult) => {
      if (m.started === undefined) return finish(m);
      if (timer) clearTimeout(timer);
      const what = m.started;
      timer = setTimeout(() => finish({ ok: false, error: `${job.fixture}: "${what}" did not finish within ${WATCHDOG_MS} ms (terminated)` }), WATCHDOG_MS);
    });
    w.on('error', (e) => finish({ ok: false, error: `worker failed: ${e.stack ?? e.message}` }));
    w.on('exit', (code) => finish({ ok: false, error: `worker exited (code ${code}) before reporting` }));
  });
}

if (isMainThread) registerTests(); else fuzzWorker();
