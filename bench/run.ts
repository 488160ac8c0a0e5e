// The benchmark: latency from didOpen / didChange to publishDiagnostics, measured over stdio with
// a real LSP client, for the cellspec language server and for yaml-language-server on the same
// study written as YAML (validated against bench/study.schema.json). Two documents: the example
// study (examples/study.cellspec) and a generated study of at least 10,000 lines. Also the
// engine alone (parse + analyze in-process) on both.
//
//   npm run bench                       (builds, compiles, runs)
//   node out/bench/run.js [--opens=30] [--edits=50] [--lines=10000] [--servers=cellspec,yaml] [--diag-timeout=30000] [--cpu-prof=<dir>] [--keep] [--verbose]
//
// Results: a table on stdout and out/bench-results.json. Every loop is bounded in count and in
// time; the servers are killed at the end, on errors and by a watchdog.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { URI } from 'vscode-uri';
import { analyzeSpec } from '../server/engine/specAnalysis';
import { parse } from '../server/engine/parser';
import { interpret } from '../server/engine/model';
import { Workspace } from '../server/engine/workspace';
import { hover } from '../server/features/hover';
import { nodeFileSystem } from '../server/nodeFileSystem';
import { writeLarge } from './generate';
import { killAll, LspServer, sleep } from './lsp';
import { fromEngine, toYaml } from './model';

const ROOT = path.resolve(__dirname, '../..');
const args = new Map(process.argv.slice(2).map((a) => { const [k, v] = a.replace(/^--/, '').split('='); return [k, v ?? 'true'] as [string, string]; }));
const OPENS = Number(args.get('opens') ?? 30);
const EDITS = Number(args.get('edits') ?? 50);
const LINES = Number(args.get('lines') ?? 10000);
const WARMUP = 3;
const LOOP_BUDGET_MS = 180_000;      // per measurement loop
const DIAG_TIMEOUT_MS = Number(args.get('diag-timeout') ?? 30_000); // per awaited publishDiagnostics
const WATCHDOG_MS = 25 * 60_000;     // the whole run
const VERBOSE = args.has('verbose');
const CPU_PROF = args.get('cpu-prof');
const SERVERS = (args.get('servers') ?? 'cellspec,yaml').split(',');

type Lang = 'cellspec' | 'yaml';
interface Doc {
  label: string; lang: Lang; file: string; uri: string; text: string; lines: number;
  /** Where the edit loop types: just after the number of a `start` property. */
  edit: { line: number; character: number };
}
interface Stats { n: number; p50: number; p95: number; mean: number; min: number; max: number }
interface Row {
  document: string; lang: Lang; file: string; lines: number; diagnostics: number;
  open?: Stats; edit?: Stats; editDiagnostics?: [number, number]; notes: string[];
  /** The server's CPU time per timed edit, ms (from /proc): steadier than latency on a loaded machine. */
  editCpuMs?: number;
  /** The server's resident memory after the edit loop and its peak, MB (from /proc). */
  memory?: { rssMB: number; peakMB: number };
}

// ---------------------------------------------------------------------------------------------

function stats(xs: number[]): Stats | undefined {
  if (!xs.length) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
  return { n: s.length, p50: q(50), p95: q(95), mean: s.reduce((a, b) => a + b, 0) / s.length, min: s[0], max: s[s.length - 1] };
}

const uriOf = (file: string) => URI.file(file).toString();
const countLines = (text: string) => text.split('\n').length - (text.endsWith('\n') ? 1 : 0);

/** The position after the number of the `start` property of protocol `proto` (ccd). */
function editPoint(text: string, lang: Lang, proto: string): { line: number; character: number } {
  const lines = text.split('\n');
  let i = lang === 'cellspec'
    ? lines.findIndex((l) => new RegExp(`^protocol ${proto} ccd\\s*\\{`).test(l))
    : lines.findIndex((l, j) => l === `  ${proto}:` && lines.slice(0, j).some((x) => x === 'protocols:'));
  if (i < 0) throw new Error(`no protocol ${proto} in the ${lang} document`);
  for (i++; i < lines.length; i++) {
    const m = (lang === 'cellspec' ? /^(\s*start\s+)(-?[\d.]+)/ : /^(\s*start:\s+)(-?[\d.]+)/).exec(lines[i]);
    if (m) return { line: i, character: m[1].length + m[2].length };
  }
  throw new Error(`no 'start' in protocol ${proto}`);
}

// ---------------------------------------------------------------------------------------------
// Servers

function startCellspec(tmp: string): LspServer {
  const profile = CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(CPU_PROF)}`] : [];
  return new LspServer({
    name: 'cellspec', command: process.execPath, args: [...profile, path.join(ROOT, 'bin/cellspec-language-server'), '--stdio'], cwd: ROOT,
    rootUri: uriOf(tmp), workspaceFolders: [{ uri: uriOf(tmp), name: 'bench' }],
    configuration: (section) => (section === 'cellspec' ? { inlayHints: { enabled: true }, diagnostics: { plausibility: true }, trace: { server: 'off' } } : null),
    verbose: VERBOSE,
  });
}

function startYaml(tmp: string, schemaUri: string): LspServer {
  const yaml = {
    validate: true, hover: true, completion: true, format: { enable: false },
    schemas: { [schemaUri]: ['study*.yaml', '*.study.yaml'] },
    schemaStore: { enable: false, url: '' }, maxItemsComputed: 5000, yamlVersion: '1.2', customTags: [],
  };
  return new LspServer({
    name: 'yaml', command: process.execPath, args: [path.join(ROOT, 'node_modules/yaml-language-server/bin/yaml-language-server'), '--stdio'], cwd: ROOT,
    rootUri: uriOf(tmp), workspaceFolders: [{ uri: uriOf(tmp), name: 'bench' }],
    configuration: (section) => {
      switch (section) {
        case 'yaml': return yaml;
        case 'http': return { proxy: '', proxyStrictSSL: false };
        case 'editor': return { detectIndentation: true, tabSize: 2 };
        case '[yaml]': return { 'editor.tabSize': 2 };
        case 'files': return { associations: {} };
        default: return null;
      }
    },
    verbose: VERBOSE,
  });
}

/** Initializes and waits until the server has pulled its configuration (the settings it validates with). */
async function ready(s: LspServer) {
  await s.initialize();
  const t0 = performance.now();
  while (s.configurationRequests === 0 && performance.now() - t0 < 5000) await sleep(20);
  if (s.configurationRequests === 0) console.warn(`${s.opts.name}: never asked for its configuration`);
  await sleep(300);
}

// ---------------------------------------------------------------------------------------------
// Measurements

let version = 1;
const languageId = (lang: Lang) => (lang === 'cellspec' ? 'cellspec' : 'yaml');
/** cellspec publishes the document version; yaml-language-server does not (any diagnostics for the uri count). */
const forVersion = (s: LspServer, uri: string, v: number) => (p: { uri: string; version?: number }) =>
  p.uri === uri && (s.opts.name === 'yaml' || p.version === v);
const closed = (uri: string) => (p: { uri: string; version?: number; diagnostics: unknown[] }) => p.uri === uri && p.diagnostics.length === 0 && p.version == null;

async function openAndWait(s: LspServer, doc: Doc, text = doc.text) {
  const v = version++;
  const w = s.waitDiagnostics(forVersion(s, doc.uri, v), DIAG_TIMEOUT_MS, `open ${doc.label} v${v}`);
  const t0 = performance.now();
  await s.open(doc.uri, languageId(doc.lang), v, text);
  const r = await w;
  return { ms: r.at - t0, version: v, diagnostics: r.params.diagnostics };
}

async function closeAndWait(s: LspServer, doc: Doc) {
  const w = s.waitDiagnostics(closed(doc.uri), DIAG_TIMEOUT_MS, `close ${doc.label}`);
  await s.close(doc.uri);
  await w;
}

async function measureOpen(s: LspServer, doc: Doc, row: Row) {
  const times: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < WARMUP + OPENS; i++) {
    if (performance.now() - t0 > LOOP_BUDGET_MS) { row.notes.push(`open loop stopped by its time budget after ${times.length} samples`); break; }
    const r = await openAndWait(s, doc);
    if (i >= WARMUP) times.push(r.ms);
    else if (i === 0) row.diagnostics = r.diagnostics.length;
    await closeAndWait(s, doc);
  }
  row.open = stats(times);
}

async function measureEdit(s: LspServer, doc: Doc, row: Row) {
  const open = await openAndWait(s, doc);
  let v = open.version;
  // Let anything the open triggered settle (yaml-language-server validates after 200 ms).
  await sleep(s.opts.name === 'yaml' ? 400 : 50);
  const times: number[] = [];
  const counts: number[] = [];
  const { line, character } = doc.edit;
  const t0 = performance.now();
  let inserted = false;
  let cpu0: number | undefined;
  for (let i = 0; i < WARMUP + EDITS; i++) {
    if (i === WARMUP) cpu0 = cpuMsOf(s.proc.pid);
    if (performance.now() - t0 > LOOP_BUDGET_MS) { row.notes.push(`edit loop stopped by its time budget after ${times.length} samples`); break; }
    // Type a '5' after the number (0.1 -> 0.15), then delete it again: the document stays valid.
    const change = inserted
      ? { range: { start: { line, character }, end: { line, character: character + 1 } }, text: '' }
      : { range: { start: { line, character }, end: { line, character } }, text: '5' };
    inserted = !inserted;
    v = version++;
    const w = s.waitDiagnostics(forVersion(s, doc.uri, v), DIAG_TIMEOUT_MS, `edit ${doc.label} v${v}`);
    const ts = performance.now();
    await s.change(doc.uri, v, [change]);
    const r = await w;
    if (i >= WARMUP) { times.push(r.at - ts); counts.push(r.params.diagnostics.length); }
  }
  const cpu1 = cpuMsOf(s.proc.pid);
  if (cpu0 !== undefined && cpu1 !== undefined && times.length) row.editCpuMs = (cpu1 - cpu0) / times.length;
  row.memory = memoryOf(s.proc.pid);
  await closeAndWait(s, doc);
  row.edit = stats(times);
  row.editDiagnostics = [Math.min(...counts), Math.max(...counts)];
}

/** A process's user + system CPU time so far (Linux /proc), ms; undefined elsewhere. */
function cpuMsOf(pid: number | undefined): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch { return undefined; }
}

/** Resident and peak memory of a process (Linux /proc), MB; undefined elsewhere. */
function memoryOf(pid: number | undefined): { rssMB: number; peakMB: number } | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kB = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
    return { rssMB: kB('VmRSS') / 1024, peakMB: kB('VmHWM') / 1024 };
  } catch { return undefined; }
}

/** An invalid value must produce a diagnostic, else the comparison would be meaningless. */
async function sanity(s: LspServer, doc: Doc, bad: [RegExp, string]): Promise<string> {
  const text = doc.text.replace(bad[0], bad[1]);
  if (text === doc.text) throw new Error(`sanity: ${bad[0]} not found in ${doc.label}`);
  const probe: Doc = { ...doc, label: doc.label + ' (invalid)', uri: doc.uri.replace(/(\.\w+)$/, '-invalid$1') };
  const r = await openAndWait(s, probe, text);
  await closeAndWait(s, probe);
  const errs = r.diagnostics.filter((d) => d.severity === 1);
  if (!errs.length) throw new Error(`${s.opts.name} reported no error for an invalid value in ${probe.file}: validation is not active`);
  return `${s.opts.name}: invalid '${bad[1].trim()}' → ${errs.length} error(s), e.g. line ${errs[0].range.start.line + 1}: ${errs[0].message.split('\n')[0]}`;
}

// ---------------------------------------------------------------------------------------------
// The engine alone

function engineBench(file: string, label: string, proto: string) {
  const hoverTimes: number[] = [];
  const ws = new Workspace(nodeFileSystem);
  const uri = uriOf(file);
  const text = fs.readFileSync(file, 'utf8');
  /** 5 warm-up calls, then up to 40 timed ones within 30 s. */
  const loop = (fn: () => void): Stats => {
    const xs: number[] = [];
    const t0 = performance.now();
    for (let i = 0; i < 45 && performance.now() - t0 < 30_000; i++) {
      const t = performance.now();
      fn();
      if (i >= 5) xs.push(performance.now() - t);
    }
    return stats(xs)!;
  };
  const analyze = () => { const a = analyzeSpec(ws, uri, { plausibility: true }); if (!a) throw new Error(`engine: no analysis for ${file}`); return a; };
  // A document opened afresh: parsed and analysed whole.
  const parseAndAnalyze = loop(() => { ws.closeDocument(uri); ws.setDocument(uri, text, version++); analyze(); });
  const analyzeCachedParse = loop(() => analyze());
  const parseAndInterpret = loop(() => interpret(parse(text), uri));
  // What the server does on each keystroke: the edit of the LSP loop ('5' typed after a number,
  // then deleted), the new version analysed (incrementally where the engine can); then a hover
  // on the edited line, once right after the edit and once again.
  const { line, character } = editPoint(text, 'cellspec', proto);
  const at = text.split('\n').slice(0, line).reduce((n, l) => n + l.length + 1, 0) + character;
  const edited = text.slice(0, at) + '5' + text.slice(at);
  let typed = false;
  let last = analyze();
  const editAndAnalyze = loop(() => { typed = !typed; ws.setDocument(uri, typed ? edited : text, version++); last = analyze(); void last.diagnostics.length; });
  loop(() => { typed = !typed; ws.setDocument(uri, typed ? edited : text, version++); const a = analyze(); const t = performance.now(); hover(a, at - 1); hoverTimes.push(performance.now() - t); });
  const hoverFirst = stats(hoverTimes.splice(0).slice(5))!; // without the warm-up calls
  const hoverAgain = loop(() => hover(last, at - 1));
  return { document: label, lines: countLines(text), parseAndAnalyze, analyzeCachedParse, parseAndInterpret, editAndAnalyze, hoverFirst, hoverAgain };
}

// ---------------------------------------------------------------------------------------------

const f1 = (x: number | undefined) => (x === undefined ? '—' : x < 10 ? x.toFixed(2) : x.toFixed(1));
const f0 = (x: number | undefined) => (x === undefined || !isFinite(x) ? '—' : x.toFixed(0));

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cellspec-bench-'));
  if (!args.has('keep')) tempDir = tmp;
  const schemaFile = path.join(ROOT, 'bench/study.schema.json');
  const schemaUri = uriOf(schemaFile);
  JSON.parse(fs.readFileSync(schemaFile, 'utf8'));

  // Documents: the example as is (its import is examples/materials.cellspec on disk) and the
  // generated study in a temp dir next to a copy of materials.cellspec; both also as YAML.
  const exampleFile = path.join(ROOT, 'examples/study.cellspec');
  const exampleText = fs.readFileSync(exampleFile, 'utf8');
  const tree = parse(exampleText);
  const exampleYamlFile = path.join(tmp, 'study-example.yaml');
  fs.writeFileSync(exampleYamlFile, toYaml(fromEngine(interpret(tree, uriOf(exampleFile)).decls, tree), schemaUri));
  const large = writeLarge(tmp, LINES, schemaUri);

  const doc = (label: string, lang: Lang, file: string, proto: string): Doc => {
    const text = fs.readFileSync(file, 'utf8');
    return { label, lang, file, uri: uriOf(file), text, lines: countLines(text), edit: editPoint(text, lang, proto) };
  };
  const docs = {
    cellspec: [doc('example', 'cellspec', exampleFile, 'ccd-ramp'), doc(`generated ${LINES / 1000}k`, 'cellspec', large.cellspec, large.editProtocol)],
    yaml: [doc('example', 'yaml', exampleYamlFile, 'ccd-ramp'), doc(`generated ${LINES / 1000}k`, 'yaml', large.yaml, large.editProtocol)],
  };
  console.log(`documents in ${tmp}:`);
  for (const d of [...docs.cellspec, ...docs.yaml]) console.log(`  ${d.lang.padEnd(8)} ${d.label.padEnd(14)} ${String(d.lines).padStart(6)} lines  ${path.relative(ROOT, d.file).startsWith('..') ? d.file : path.relative(ROOT, d.file)}  (edit at ${d.edit.line + 1}:${d.edit.character + 1})`);
  console.log(`loops: ${OPENS} opens and ${EDITS} edits per document after ${WARMUP} warm-up rounds; node ${process.version}, ${os.cpus()[0]?.model ?? '?'} x${os.cpus().length}, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}\n`);

  const rows: Row[] = [];
  const sanityNotes: string[] = [];
  const run = async (lang: Lang, s: LspServer) => {
    try {
      await ready(s);
      for (const d of docs[lang]) {
        sanityNotes.push(`${d.label}: ` + (lang === 'cellspec'
          ? await sanity(s, d, [/temperature 25 °C/, 'temperature 25 kg'])
          : await sanity(s, d, [/temperature: 25 °C/, 'temperature: 25 kg'])));
      }
      for (const d of docs[lang]) {
        const row: Row = { document: d.label, lang, file: d.file, lines: d.lines, diagnostics: -1, notes: [] };
        rows.push(row);
        process.stdout.write(`${lang} ${d.label}: open… `);
        await measureOpen(s, d, row);
        process.stdout.write(`p50 ${f1(row.open?.p50)} ms; edit… `);
        await measureEdit(s, d, row);
        console.log(`p50 ${f1(row.edit?.p50)} ms`);
      }
    } finally {
      await s.shutdown();
    }
  };
  if (SERVERS.includes('cellspec')) await run('cellspec', startCellspec(tmp));
  if (SERVERS.includes('yaml')) await run('yaml', startYaml(tmp, schemaUri));

  const engine = [engineBench(exampleFile, 'example', 'ccd-ramp'), engineBench(large.cellspec, `generated ${LINES / 1000}k`, large.editProtocol)];

  // ---- report
  const header = ['server', 'document', 'lines', 'diags', 'open→diag p50', 'p95', 'edit→diag p50', 'p95', 'CPU/edit', 'RSS MB', 'peak MB'];
  const table: string[][] = rows.map((r) => [r.lang === 'cellspec' ? 'cellspec' : 'yaml-ls', r.document, String(r.lines), String(r.diagnostics), f1(r.open?.p50), f1(r.open?.p95), f1(r.edit?.p50), f1(r.edit?.p95), f1(r.editCpuMs), f0(r.memory?.rssMB), f0(r.memory?.peakMB)]);
  const ratios: string[][] = [];
  for (const d of docs.cellspec) {
    const c = rows.find((r) => r.lang === 'cellspec' && r.document === d.label), y = rows.find((r) => r.lang === 'yaml' && r.document === d.label);
    const ratio = (a?: number, b?: number) => (a !== undefined && b ? (a / b).toFixed(3) : '—');
    if (c && y) ratios.push(['cellspec/yaml', d.label, '', '', ratio(c.open?.p50, y.open?.p50), ratio(c.open?.p95, y.open?.p95), ratio(c.edit?.p50, y.edit?.p50), ratio(c.edit?.p95, y.edit?.p95), ratio(c.editCpuMs, y.editCpuMs), ratio(c.memory?.rssMB, y.memory?.rssMB), ratio(c.memory?.peakMB, y.memory?.peakMB)]);
  }
  const all = [header, ...table, ...ratios];
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log('\nlatency to publishDiagnostics over stdio, ms (edit: debounce included; yaml-language-server debounces 200 ms, cellspec 10 ms); CPU/edit: the server\'s CPU ms per timed edit');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  table.forEach((r) => console.log(line(r)));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  ratios.forEach((r) => console.log(line(r)));

  console.log('\nengine alone, in-process (ms per call; n = ' + engine[0].parseAndAnalyze.n + ')');
  console.log('document        lines  parse+analyze mean    p50  analyze, parse cached mean    p50  parse+interpret mean    p50');
  for (const e of engine) {
    const c = (x: Stats, w: number) => `${f1(x.mean).padStart(w)} ${f1(x.p50).padStart(6)}`;
    console.log(`${e.document.padEnd(14)} ${String(e.lines).padStart(6)}  ${c(e.parseAndAnalyze, 18)}  ${c(e.analyzeCachedParse, 26)}  ${c(e.parseAndInterpret, 20)}`);
  }
  console.log('document        lines   edit+analyze mean    p50  hover after an edit mean    p50  hover again mean    p50');
  for (const e of engine) {
    const c = (x: Stats, w: number) => `${f1(x.mean).padStart(w)} ${f1(x.p50).padStart(6)}`;
    console.log(`${e.document.padEnd(14)} ${String(e.lines).padStart(6)}  ${c(e.editAndAnalyze, 18)}  ${c(e.hoverFirst, 24)}  ${c(e.hoverAgain, 16)}`);
  }

  const goal = (label: string, limit: number) => {
    const r = rows.find((x) => x.lang === 'cellspec' && x.document === label);
    const p = r?.edit?.p50;
    return { document: label, limitMs: limit, p50: p, met: p !== undefined && p <= limit };
  };
  const goals = [goal('example', 30), goal(`generated ${LINES / 1000}k`, 150)];
  console.log('\ngoals (cellspec edit→diagnostics p50, debounce included):');
  for (const g of goals) console.log(`  ${g.document.padEnd(14)} ≤ ${g.limitMs} ms: ${f1(g.p50)} ms  ${g.met ? 'MET' : 'NOT MET'}`);
  console.log('\nchecks:');
  sanityNotes.forEach((n) => console.log('  ' + n));
  for (const r of rows) {
    console.log(`  ${r.lang} ${r.document}: ${r.diagnostics} diagnostics on open; ${r.editDiagnostics ? `${r.editDiagnostics[0]}–${r.editDiagnostics[1]} during edits` : ''}${r.notes.length ? '; ' + r.notes.join('; ') : ''}`);
  }

  const out = path.join(ROOT, 'out/bench-results.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify({
    date: new Date().toISOString(), node: process.version, cpu: os.cpus()[0]?.model, cpus: os.cpus().length, loadAverageAtEnd: os.loadavg(),
    loops: { opens: OPENS, edits: EDITS, warmup: WARMUP }, rows: rows.map((r) => ({ ...r, file: r.file.startsWith(tmp) ? path.basename(r.file) : path.relative(ROOT, r.file) })),
    ratios: ratios.map((r) => ({ document: r[1], openP50: Number(r[4]), openP95: Number(r[5]), editP50: Number(r[6]), editP95: Number(r[7]) })),
    engine, goals, checks: sanityNotes,
  }, null, 2) + '\n');
  console.log(`\nload average at the end: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')} (other work on the machine skews the figures)`);
  console.log(`\nresults written to ${path.relative(ROOT, out)}`);
  if (args.has('keep')) console.log(`documents kept in ${tmp}`);
}

/** The temp dir of the generated documents, removed on exit (also on errors and signals). */
let tempDir: string | undefined;
function cleanup() {
  killAll();
  if (tempDir) { try { fs.rmSync(tempDir, { recursive: true, force: true }); } catch { /* best effort */ } tempDir = undefined; }
}

const watchdog = setTimeout(() => { console.error(`bench: watchdog fired after ${WATCHDOG_MS / 60000} min`); cleanup(); process.exit(3); }, WATCHDOG_MS);
watchdog.unref();
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => { cleanup(); process.exit(130); });
process.on('exit', cleanup);

main().then(
  () => { cleanup(); process.exit(0); },
  (e) => { console.error('\nbench failed:', e instanceof Error ? e.stack : e); cleanup(); process.exit(1); },
);
