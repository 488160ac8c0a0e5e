// Files the instrument is still writing (readers/append.ts, results/liveTables.ts): a file that
// grows is read on from where the last read stopped and must give exactly the table a fresh
// read of the same complete lines gives; a line without its break is not a row yet; a file that
// shrank or was rewritten is read again whole.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as fc from 'fast-check';
import { appendLive, completeEnd, LiveTable, readLive } from '../server/readers/append';
import { ColumnKind, DataTable, readDataFile, ReadOptions } from '../server/readers/index';
import { readCached } from '../server/results/tableCache';
import type { RunJob } from '../server/results/jobs';
import { kindsToRead } from '../server/results/protocols/kinds';
import { writeMptGcpl } from './helpers/dataFiles';
import { URI } from 'vscode-uri';
import { analyzeSpec } from '../server/engine/specAnalysis';
import { Workspace } from '../server/engine/workspace';
import { nodeFileSystem } from '../server/nodeFileSystem';
import { buildReport } from '../server/results/report';
import { StudySession } from '../server/results/study';
import { CURSOR, cursorAt } from './helpers/cursor';
import { assertReportValid } from './helpers/studyFolder';
import { liveStatus } from '../server/results/liveStatus';
import type { RunResult } from '../server/results/runResult';

const SEED = Number(process.env.LIVE_SEED ?? 1207);
const DC_KINDS: ColumnKind[] = ['time', 'voltage', 'current', 'cycle'];

let tmp = '';
before(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cellspec-live-')); });
after(() => { if (tmp) fs.rmSync(tmp, { recursive: true, force: true }); });

/** What two reads must agree on: the columns with their values and labels, the row count, the line of every row. */
function essence(t: DataTable) {
  return {
    format: t.format, technique: t.technique, rows: t.rows,
    columns: t.columns.map((c) => ({ name: c.name, kind: c.kind, unit: c.sourceUnit, labels: c.labels, values: Array.from(c.values) })),
    lines: Array.from({ length: t.rows + 2 }, (_, r) => t.lineOfRow(r - 1)),
    fileColumns: t.fileColumns,
  };
}

/** The bytes of an EC-Lab GCPL export of `rows` rows (CRLF, as EC-Lab writes). */
function mptBytes(rows: number, name = 'whole.mpt'): Buffer {
  const file = path.join(tmp, name);
  writeMptGcpl(file, rows);
  return fs.readFileSync(file);
}

/** A fresh read of the complete lines of `bytes`, from a file of its own. */
async function freshRead(bytes: Buffer, options: ReadOptions): Promise<DataTable> {
  const file = path.join(tmp, 'fresh.mpt');
  const end = bytes.lastIndexOf(10) + 1;
  fs.writeFileSync(file, bytes.subarray(0, end));
  return readDataFile(file, options);
}

/**
 * The file written in parts ending at `cuts` (the last is the whole), read live after each part:
 * returns, per part, the live table and how it was got ('read' whole or 'appended').
 */
async function growInParts(file: string, bytes: Buffer, cuts: number[], options: ReadOptions): Promise<{ live: LiveTable | undefined; table: DataTable; how: 'read' | 'appended' }[]> {
  fs.writeFileSync(file, bytes.subarray(0, cuts[0]));
  let { table, live } = await readLive(file, options);
  const out: { live: LiveTable | undefined; table: DataTable; how: 'read' | 'appended' }[] = [{ live, table, how: 'read' }];
  for (let k = 1; k < cuts.length; k++) {
    fs.appendFileSync(file, bytes.subarray(cuts[k - 1], cuts[k]));
    const grown = live && await appendLive(live);
    if (grown) { live = grown; table = grown.table; out.push({ live, table, how: 'appended' }); }
    else { ({ table, live } = await readLive(file, options)); out.push({ live, table, how: 'read' }); }
  }
  return out;
}

/** Where line `n` (1-based) of `bytes` ends, after its break. */
function lineEnd(bytes: Buffer, n: number): number {
  let at = -1;
  for (let k = 0; k < n; k++) at = bytes.indexOf(10, at + 1);
  return at + 1;
}

describe('live runs: a growing file read on from where the last read stopped', () => {
  it('an .mpt grown in four appends, two of them cut mid-line, gives the table of a fresh read after each', async () => {
    const bytes = mptBytes(3000);
    const columnLine = Number(/Nb header lines : (\d+)/.exec(bytes.toString('latin1'))![1]);
    const first = lineEnd(bytes, columnLine + 100);
    const cuts = [first + 7, lineEnd(bytes, columnLine + 1200), lineEnd(bytes, columnLine + 2000) - 3, bytes.length];
    const file = path.join(tmp, 'growing.mpt');
    const parts = await growInParts(file, bytes, cuts, { kinds: DC_KINDS });
    assert.deepEqual(parts.map((p) => p.how), ['read', 'appended', 'appended', 'appended']);
    assert.deepEqual(parts.map((p) => p.table.rows), [100, 1200, 1999, 3000], 'a line without its break is not a row');
    for (const [k, p] of parts.entries()) {
      assert.deepEqual(essence(p.table), essence(await freshRead(bytes.subarray(0, cuts[k]), { kinds: DC_KINDS })), `after part ${k + 1}`);
    }
    assert.deepEqual(parts[3].table.problems, (await freshRead(bytes, { kinds: DC_KINDS })).problems);
  });

  it('the line cut short is completed by the next append, not read as a row with a cut number', async () => {
    const bytes = mptBytes(50);
    const file = path.join(tmp, 'cut.mpt');
    const lastLineStart = bytes.lastIndexOf(10, bytes.length - 2) + 1;
    const cut = lastLineStart + bytes.subarray(lastLineStart).indexOf(9) + 4; // "t<TAB>3.1" of "t<TAB>3.1234…"
    const parts = await growInParts(file, bytes, [cut, bytes.length], { kinds: DC_KINDS });
    assert.equal(parts[0].table.rows, 49);
    assert.equal(parts[0].table.problems.length, 0, 'no "row cut short" for a line still being written');
    assert.equal(parts[1].how, 'appended');
    const full = await readDataFile(file, { kinds: DC_KINDS });
    assert.deepEqual(essence(parts[1].table), essence(full));
  });

  it('every column of the file (no kinds asked for) and a comma-separated export continue the same way', async () => {
    const bytes = mptBytes(400);
    const file = path.join(tmp, 'all.mpt');
    const cuts = [Math.floor(bytes.length / 3), Math.floor(bytes.length / 2) + 5, bytes.length];
    const parts = await growInParts(file, bytes, cuts, {});
    assert.equal(parts[2].how, 'appended');
    assert.deepEqual(essence(parts[2].table), essence(await readDataFile(file)));
    const csv = Buffer.from(['time/s,Ewe/V,I/mA', ...Array.from({ length: 500 }, (_, i) => `${i * 2.5},${(3.7 + 0.001 * Math.sin(i)).toFixed(6)},${i % 100 < 50 ? 0.5 : -0.5}`)].join('\n') + '\n');
    const csvFile = path.join(tmp, 'growing.csv');
    const csvParts = await growInParts(csvFile, csv, [301, 2000, 5001, csv.length], {});
    assert.deepEqual(csvParts.map((p) => p.how), ['read', 'appended', 'appended', 'appended']);
    assert.deepEqual(essence(csvParts[3].table), essence(await readDataFile(csvFile)));
  });

  it('blank lines, a repeated column line and a row cut short in the appended part keep their line numbers and messages', async () => {
    const lines = ['time/s,Ewe/V,I/mA', ...Array.from({ length: 40 }, (_, i) => `${i},3.7,0.5`), '', '', 'time/s,Ewe/V,I/mA',
      ...Array.from({ length: 30 }, (_, i) => `${40 + i},3.6,-0.5`), '70,3.5', '', ...Array.from({ length: 20 }, (_, i) => `${71 + i},3.5,0`)];
    const csv = Buffer.from(lines.join('\r\n') + '\r\n');
    const file = path.join(tmp, 'gaps.csv');
    const parts = await growInParts(file, csv, [lineEnd(csv, 30), lineEnd(csv, 43) + 3, lineEnd(csv, 75), csv.length], {});
    assert.deepEqual(parts.map((p) => p.how), ['read', 'appended', 'appended', 'appended']);
    const fresh = await readDataFile(file);
    assert.deepEqual(essence(parts[3].table), essence(fresh));
    assert.deepEqual(parts[3].table.problems, fresh.problems);
    assert.equal(parts[3].table.lineOfRow(40), 45, 'the first row after the blank lines and the repeated column line');
  });

  it('time that goes back where an append joins the rows before is reported as a full read reports it', async () => {
    const rows = (from: number, n: number) => Array.from({ length: n }, (_, i) => `${from + i * 10},3.7,0.5`);
    const csv = Buffer.from(['time/s,Ewe/V,I/mA', ...rows(0, 50), ...rows(5, 50)].join('\n') + '\n');
    const file = path.join(tmp, 'back.csv');
    const cut = lineEnd(csv, 51);
    const parts = await growInParts(file, csv, [cut, csv.length], {});
    assert.equal(parts[1].how, 'appended');
    const fresh = await readDataFile(file);
    assert.match(fresh.problems.map((p) => p.message).join('\n'), /time goes back at line 52/);
    assert.deepEqual(parts[1].table.problems, fresh.problems);
  });

  it('a file cut shorter, or rewritten before the old end, is read again whole', async () => {
    const bytes = mptBytes(600);
    const file = path.join(tmp, 'rewritten.mpt');
    fs.writeFileSync(file, bytes.subarray(0, lineEnd(bytes, 300)));
    const { live } = await readLive(file, { kinds: DC_KINDS });
    assert.ok(live);
    fs.writeFileSync(file, bytes.subarray(0, lineEnd(bytes, 200)));
    assert.equal(await appendLive(live!), undefined, 'shrank: not continued');
    // The same length and more, but one earlier byte changed (a new run written over the old file).
    const changed = Buffer.from(bytes);
    const at = lineEnd(bytes, 299) - 5;
    changed[at] = changed[at] === 0x31 ? 0x32 : 0x31;
    fs.writeFileSync(file, changed);
    assert.equal(await appendLive(live!), undefined, 'rewritten in the old tail: not continued');
    const head = Buffer.from(bytes);
    head[0x10] = head[0x10] === 0x20 ? 0x21 : 0x20;
    fs.writeFileSync(file, head);
    assert.equal(await appendLive(live!), undefined, 'rewritten in the header: not continued');
    fs.writeFileSync(file, bytes);
    const grown = await appendLive(live!);
    assert.ok(grown, 'the same bytes and more: continued');
    assert.deepEqual(essence(grown!.table), essence(await readDataFile(file, { kinds: DC_KINDS })));
  });

  it('through the table cache: a file read whole at first sight, read on once it is seen growing, a rewritten one read again, the line in progress taken once the file is quiet', async () => {
    const bytes = mptBytes(1200);
    const file = path.join(tmp, 'cached.mpt');
    const job = { protocol: { type: 'ccd' } } as unknown as RunJob;
    const signal = new AbortController().signal;
    const kinds = { kinds: kindsToRead('ccd') };
    const columnLine = Number(/Nb header lines : (\d+)/.exec(bytes.toString('latin1'))![1]);
    const cut1 = lineEnd(bytes, columnLine + 400) + 10, cut2 = lineEnd(bytes, columnLine + 800) + 10;
    // First sight (a file just copied in looks the same): read whole, as a fresh read reads it, and not taken for growing.
    fs.writeFileSync(file, bytes.subarray(0, cut1));
    const a = await readCached(file, job, signal);
    assert.equal(a.growing, false);
    assert.deepEqual(essence(a.table), essence(await readDataFile(file, kinds)));
    // It grew: read again up to its last complete line, the line in progress left out.
    fs.appendFileSync(file, bytes.subarray(cut1, cut2));
    const b = await readCached(file, job, signal);
    assert.equal(b.growing, true);
    assert.equal(b.table.rows, 800, 'the line in progress is left out');
    // It grew again: only the new lines are read, into the same columns.
    fs.appendFileSync(file, bytes.subarray(cut2));
    const c = await readCached(file, job, signal);
    assert.equal(c.growing, true);
    assert.equal(c.table.rows, 1200, 'every row after the append');
    assert.ok(c.table.columns[0].values.buffer === b.table.columns[0].values.buffer, 'the columns grew in place: the new rows were written after the old');
    assert.deepEqual(essence(c.table), essence(await readDataFile(file, kinds)));
    // Rewritten shorter, its last line without its break: read again whole.
    fs.writeFileSync(file, bytes.subarray(0, bytes.length - 2));
    const d = await readCached(file, job, signal);
    assert.equal(d.growing, false);
    assert.deepEqual(essence(d.table), essence(await readDataFile(file, kinds)));
    // It grows by its last two bytes, then goes quiet (its mtime an hour ago): a whole read again, nothing left out.
    fs.writeFileSync(file, bytes);
    const e = await readCached(file, job, signal);
    assert.equal(e.table.rows, 1200);
    const hourAgo = new Date(Date.now() - 3600_000);
    fs.utimesSync(file, hourAgo, hourAgo);
    const f = await readCached(file, job, signal);
    assert.equal(f.growing, false);
    assert.equal(f.table.rows, 1200, 'quiet: every line is a row');
  });

  it('property: any split of a file into appends gives the table of a fresh read at every step', async () => {
    const bytes = mptBytes(700, 'prop.mpt');
    const columnLine = Number(/Nb header lines : (\d+)/.exec(bytes.toString('latin1'))![1]);
    const dataFrom = lineEnd(bytes, columnLine + 1);
    const file = path.join(tmp, 'split.mpt');
    await fc.assert(fc.asyncProperty(
      fc.uniqueArray(fc.integer({ min: dataFrom, max: bytes.length - 1 }), { minLength: 1, maxLength: 8 }),
      fc.constantFrom<ColumnKind[] | undefined>(DC_KINDS, undefined, ['time', 'current']),
      async (points, kinds) => {
        const cuts = [...points.sort((x, y) => x - y), bytes.length];
        const parts = await growInParts(file, bytes, cuts, { kinds });
        for (const [k, p] of parts.entries()) {
          assert.deepEqual(essence(p.table), essence(await freshRead(bytes.subarray(0, cuts[k]), { kinds })));
          if (k > 0) assert.equal(p.how, 'appended');
        }
      },
    ), { seed: SEED, numRuns: 40 });
  });

  it('completeEnd finds the end of the last complete line (LF, or CR in a file without LF)', async () => {
    const file = path.join(tmp, 'ends.txt');
    fs.writeFileSync(file, 'a\r\nb\r\nc');
    assert.equal(await completeEnd(file, 8), 6);
    fs.writeFileSync(file, 'a\rb\rc');
    assert.equal(await completeEnd(file, 5), 4);
    fs.writeFileSync(file, 'abc');
    assert.equal(await completeEnd(file, 3), 0);
  });
});

const AREA = Math.PI * 0.009 ** 2 / 4; // the 9 mm disc of the spec, m²
const SPEC = `import "lib.cellspec"
study "s" { diameter 9 mm }
cell sym symmetric { stack Cu | Li 50 µm | LPSC 600 µm | Li 50 µm | Cu }
protocol ramp ccd {
  start 0.1 mA/cm²
  step 0.1 mA/cm²
  half-cycle 0.5 h
  until 3 mA/cm²
  stop on short
}
run ra‸mp on sym { data "ccd.mpt" }
`;

/** The spec above over `data` as its ccd.mpt, analysed by a study session: the run, its hover, the report, the preview. */
async function studyOf(name: string, data: Buffer, mtime?: Date, earlier?: Buffer) {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(path.resolve('examples/materials.cellspec'), path.join(dir, 'lib.cellspec'));
  const { text, offset } = cursorAt(SPEC);
  assert.ok(SPEC.includes(CURSOR));
  const specPath = path.join(dir, 's.cellspec');
  fs.writeFileSync(specPath, text);
  const a = analyzeSpec(new Workspace(nodeFileSystem), URI.file(specPath).toString())!;
  const session = new StudySession();
  // What the instrument had written when the study was first analysed, if anything: the file is then seen growing.
  if (earlier) {
    fs.writeFileSync(path.join(dir, 'ccd.mpt'), earlier);
    assert.equal(await session.refresh(a, 1), true);
    assert.equal(session.outcomes(a.file.uri, 1)![0].result.live, undefined, 'first sight: not taken for growing');
  }
  fs.writeFileSync(path.join(dir, 'ccd.mpt'), data);
  if (mtime) fs.utimesSync(path.join(dir, 'ccd.mpt'), mtime, mtime);
  assert.equal(await session.refresh(a, 2), true);
  const outcomes = session.outcomes(a.file.uri, 2)!;
  const report = buildReport(a, session.diagnostics(a, 2), outcomes);
  assertReportValid(report);
  return { run: outcomes[0].result, hover: session.hover(a, 2, offset)?.markdown ?? '', report, preview: JSON.stringify(session.previewModel(a, 2)) };
}

describe('live runs: a run whose data are still arriving says so', () => {
  /** The example CCD ramp of sym-Li-1 as written up to t = 11,700 s (3.25 h: a quarter hour into the 0.4 mA/cm² step), then half a line. */
  function rampSoFar(): Buffer {
    const whole = fs.readFileSync(path.resolve('examples/data/ccd-sym-Li-1.mpt'));
    const at = whole.indexOf(Buffer.from('\n1.170000000000000E+004\t'));
    assert.ok(at > 0);
    const lineEnd = whole.indexOf(10, at + 1) + 1;
    return whole.subarray(0, lineEnd + 30);
  }

  it('the step in progress and what the ramp predicts: in the run result, the hover, the analyze JSON and the preview', async () => {
    const data = rampSoFar();
    const { run, hover, report, preview } = await studyOf('arriving', data, undefined, data.subarray(0, data.length - 4000));
    const completeLines = data.subarray(0, data.lastIndexOf(10) + 1).toString('latin1').split('\n').length - 1;
    assert.equal(run.files[0].rows, completeLines - 48, 'every complete line below the 48 header lines, not the half line');
    const live = run.live?.[0];
    assert.ok(live, 'the file grew and was just written: still arriving');
    // Step 4 of the ramp (0.1 + 3·0.1 mA/cm²) began with the row at 10,801 s: its charge half-cycle has run 899 s of 1,800.
    assert.equal(live.step!.mode, 'charge');
    assert.ok(Math.abs(live.step!.currentDensity!.value - 4) < 4e-4, `${live.step!.currentDensity!.value} A/m²`);
    assert.equal(live.step!.duration.value, 11700 - 10801);
    assert.ok(Math.abs(live.step!.capacity!.value - 4 * 899) < 1, 'charge passed: j · t');
    assert.ok(Math.abs(live.next!.currentDensity!.value - 5) < 1e-9, 'next step 0.5 mA/cm²');
    assert.equal(live.next!.stepsLeft, 26, '0.5 .. 3 mA/cm² in 0.1 mA/cm² steps');
    assert.equal(live.next!.stepEndsIn!.value, 1800 - 899);
    assert.equal(live.next!.timeLeft!.value, (1800 - 899) + 1800 + 26 * 3600, "this half-cycle, the step's discharge half, 26 steps of 1 h");
    assert.match(live.text, /^still arriving \(written \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\): charge at 0\.4 mA\/cm² for 14\.98 min \(0\.09989 mAh\/cm² so far\); this half-cycle ends in 15\.02 min; next 0\.5 mA\/cm²; 26 steps left, 26\.75 h to the end of the ramp unless the cell shorts$/);
    assert.match(hover, /\*\*live\*\*: ccd\.mpt: still arriving/);
    assert.match(hover, /half-cycle 30 min: 15\.02 min of this one \+ the step's other half-cycle \+ 26 × 2 × 30 min/);
    const json = (report.runs[0] as { live?: { step: { currentDensity: { value: number; unit: string } }; next: { timeLeft: { value: number; unit: string } } }[] }).live!;
    assert.equal(json[0].step.currentDensity.unit, 'mA/cm²');
    assert.ok(Math.abs(json[0].step.currentDensity.value - 0.4) < 4e-5);
    assert.deepEqual(json[0].next.timeLeft, { value: (1800 - 899) + 1800 + 26 * 3600, unit: 's' });
    assert.ok(preview.includes('still arriving'), 'the preview lists it with the results');
    assert.ok(run.ccd?.ok && !run.ccd.shorted, 'the analysis of the rows so far still runs: no short yet');
  });

  it('a file last written an hour ago is not arriving, and its last line counts', async () => {
    const data = rampSoFar();
    const { run, hover } = await studyOf('quiet', data, new Date(Date.now() - 3600_000), data.subarray(0, data.length - 4000));
    assert.equal(run.live, undefined);
    assert.doesNotMatch(hover, /still arriving/);
  });

  it('a file just written but seen for the first time (copied in, checked out) is not taken for one still arriving, and its last line counts', async () => {
    const data = rampSoFar();
    const { run, hover } = await studyOf('copied', data);
    assert.equal(run.live, undefined);
    assert.doesNotMatch(hover, /still arriving/);
    const fresh = await readDataFile(path.join(tmp, 'copied', 'ccd.mpt'), { kinds: kindsToRead('ccd') });
    assert.equal(run.files[0].rows, fresh.rows, 'the rows a fresh read of the whole file gives');
  });

  it('symmetric cycling: the cycles left and the time to finish by the plan (cycles × 2 × half-cycle)', () => {
    // 0.1 mA/cm² on 1 cm², half-cycles of 1 h, charge first; written up to 2.5 h: the third half-cycle is 30 min in.
    const time = Float64Array.from({ length: 151 }, (_, k) => k * 60);
    const current = time.map((t) => (Math.floor(t / 3600) % 2 === 0 ? 1e-4 : -1e-4));
    const table: DataTable = {
      file: 'sym.mpt', format: 'biologic-mpt', rows: time.length, meta: {}, problems: [], lineOfRow: (r) => r + 2,
      columns: [{ name: 'time/s', kind: 'time', sourceUnit: 's', values: time }, { name: 'I/mA', kind: 'current', sourceUnit: 'mA', values: current }],
    };
    const job = { protocol: { name: 'sym', type: 'symmetric-cycling', cycles: 10, halfCycle: 3600 }, cell: { name: 'c', build: 'c', area: 1e-4 } } as unknown as RunJob;
    const result = { plan: [] } as unknown as RunResult;
    const s = liveStatus(job, result, { file: 'sym.mpt', abs: '/sym.mpt', stamp: '', at: { start: 0, end: 0 }, table }, Date.UTC(2025, 2, 3, 9, 30, 5));
    assert.equal(s.step!.duration.value, 1800);
    assert.equal(s.next!.cyclesLeft, 9, 'one cycle of 2 h done in 2.5 h');
    assert.equal(s.next!.timeLeft!.value, 10 * 2 * 3600 - 9000);
    assert.equal(s.text, 'still arriving (written 2025-03-03 09:30:05 UTC): charge at 0.1 mA/cm² for 30 min (0.05 mAh/cm² so far); 9 of 10 cycles left, 17.5 h to finish');
    assert.equal(s.modified, '2025-03-03T09:30:05.000Z');
  });
});
