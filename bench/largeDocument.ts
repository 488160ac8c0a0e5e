// Semantic tokens and the outline of a 100,000-line study (bench/generate.ts): the features alone
// (server/features/semanticTokens.ts, symbols.ts), the LSP handlers' conversion in-process
// (server/lspEncode.ts: offsets to positions, LSP's token encoding), and the round trip over
// stdio with the bench's LSP client (bench/lsp.ts: handler, JSON both ways, the pipe). Wall time
// and the process's CPU time are both given: on a loaded machine the CPU time is the steadier one.
// The goal is under 100 ms for each feature and each handler's conversion, in-process.
//
//   node out/bench/largeDocument.js [--lines=100000] [--runs=15]
//
// Results: a table on stdout and out/bench-large-document.json.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { URI } from 'vscode-uri';
import { analyzeSpec, SpecAnalysis } from '../server/engine/specAnalysis';
import { Workspace } from '../server/engine/workspace';
import { forEachSemanticToken, semanticTokens } from '../server/features/semanticTokens';
import { documentSymbols } from '../server/features/symbols';
import { documentSymbolsData, semanticTokensData } from '../server/lspEncode';
import { nodeFileSystem } from '../server/nodeFileSystem';
import { writeLarge } from './generate';
import { killAll, LspServer, sleep, withTimeout } from './lsp';

const ROOT = path.resolve(__dirname, '../..');
const args = new Map(process.argv.slice(2).map((a) => { const [k, v] = a.replace(/^--/, '').split('='); return [k, v ?? 'true'] as [string, string]; }));
const LINES = Number(args.get('lines') ?? 100_000);
const RUNS = Number(args.get('runs') ?? 15);
const WARMUP = 3;
const GOAL_MS = 100;
const REQUEST_TIMEOUT_MS = 120_000;
const WATCHDOG_MS = 15 * 60_000;

interface Figure { what: string; wallP50: number; cpuP50: number; wallMin: number; n: number; goal?: boolean; note?: string }

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const ms = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(1));

/** Wall and CPU time of `fn`, after warm-up calls (the figure is about compiled code, not a cold start). */
function timeInProcess(what: string, fn: () => unknown, goal: boolean): Figure {
  for (let i = 0; i < WARMUP; i++) fn();
  const wall: number[] = [], cpu: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const c0 = process.cpuUsage(), t0 = performance.now();
    fn();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { what, wallP50: median(wall), cpuP50: median(cpu), wallMin: Math.min(...wall), n: RUNS, goal };
}

async function overStdio(file: string): Promise<Figure[]> {
  const dir = path.dirname(file), uri = URI.file(file).toString();
  const s = new LspServer({
    name: 'cellspec', command: process.execPath, args: [path.join(ROOT, 'bin/cellspec-language-server'), '--stdio'], cwd: ROOT,
    rootUri: URI.file(dir).toString(), workspaceFolders: [{ uri: URI.file(dir).toString(), name: 'bench' }],
    configuration: (section) => (section === 'cellspec' ? { inlayHints: { enabled: true }, diagnostics: { plausibility: true } } : null),
  });
  try {
    await s.initialize();
    const diagnosed = s.waitDiagnostics((p) => p.uri === uri, REQUEST_TIMEOUT_MS, 'open');
    await s.open(uri, 'cellspec', 1, fs.readFileSync(file, 'utf8'));
    await diagnosed;
    await sleep(2000); // let the work an open starts (data jobs of the runs) settle
    const figures: Figure[] = [];
    for (const [what, method] of [['semantic tokens over stdio', 'textDocument/semanticTokens/full'], ['document symbols over stdio', 'textDocument/documentSymbol']] as const) {
      const wall: number[] = [];
      let bytes = 0;
      for (let i = 0; i < WARMUP + RUNS; i++) {
        const t0 = performance.now();
        const r = await withTimeout(s.conn.sendRequest(method, { textDocument: { uri } }), REQUEST_TIMEOUT_MS, method);
        if (i >= WARMUP) wall.push(performance.now() - t0);
        if (i === 0) bytes = JSON.stringify(r).length;
      }
      figures.push({ what, wallP50: median(wall), cpuP50: NaN, wallMin: Math.min(...wall), n: RUNS, note: `answer ${(bytes / 1e6).toFixed(1)} MB of JSON` });
    }
    return figures;
  } finally {
    await s.shutdown();
  }
}

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cellspec-bench-large-'));
  try {
    const large = writeLarge(tmp, LINES);
    const text = fs.readFileSync(large.cellspec, 'utf8');
    const ws = new Workspace(nodeFileSystem);
    const a: SpecAnalysis = analyzeSpec(ws, URI.file(large.cellspec).toString())!;
    const tokens = semanticTokens(a).length, symbols = documentSymbols(a).reduce((n, d) => n + 1 + d.children.length, 0);
    console.log(`a generated study of ${text.split('\n').length.toLocaleString('en')} lines, ${a.file.tree.tokens.length.toLocaleString('en')} lexer tokens: ${tokens.toLocaleString('en')} semantic tokens, ${symbols.toLocaleString('en')} outline entries`);
    console.log(`${RUNS} runs after ${WARMUP} warm-up calls, medians; node ${process.version}, ${os.cpus()[0]?.model ?? '?'} x${os.cpus().length}, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}\n`);
    let sink = 0;
    const figures: Figure[] = [
      timeInProcess('semantic tokens (feature, visitor)', () => forEachSemanticToken(a, () => { sink++; }), true),
      timeInProcess('semantic tokens (feature, objects)', () => semanticTokens(a), false),
      timeInProcess('semantic tokens (handler: feature + LSP encoding)', () => semanticTokensData(a), true),
      timeInProcess('document symbols (feature)', () => documentSymbols(a), true),
      timeInProcess('document symbols (handler: feature + LSP ranges)', () => documentSymbolsData(a), true),
      ...await overStdio(large.cellspec),
    ];
    const width = Math.max(...figures.map((f) => f.what.length));
    console.log(`${'what'.padEnd(width)}  ${'wall p50'.padStart(9)}  ${'min'.padStart(7)}  ${'cpu p50'.padStart(8)}  goal`);
    for (const f of figures) {
      const goal = f.goal ? `< ${GOAL_MS} ms: ${f.cpuP50 < GOAL_MS ? 'MET' : 'NOT MET'} (cpu)` : '';
      console.log(`${f.what.padEnd(width)}  ${ms(f.wallP50).padStart(9)}  ${ms(f.wallMin).padStart(7)}  ${(Number.isNaN(f.cpuP50) ? '—' : ms(f.cpuP50)).padStart(8)}  ${goal}${f.note ? `  ${f.note}` : ''}`);
    }
    console.log(`\nload average at the end: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')} (other work on the machine skews the wall times)`);
    const out = path.join(ROOT, 'out/bench-large-document.json');
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, lines: LINES, tokens, symbols, runs: RUNS, goalMs: GOAL_MS, loadAverageAtEnd: os.loadavg(), figures, sink }, null, 2) + '\n');
    console.log(`results written to ${path.relative(ROOT, out)}`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

const watchdog = setTimeout(() => { console.error('bench: watchdog fired'); killAll(); process.exit(3); }, WATCHDOG_MS);
watchdog.unref();
main().then(() => { killAll(); process.exit(0); }, (e) => { console.error('bench failed:', e instanceof Error ? e.stack : e); killAll(); process.exit(1); });
