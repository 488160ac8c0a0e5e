// The command line: the same engine as the language server, without LSP.
//   cellspec check <files>     problems as file:line:col: severity code: message (data included)
//   cellspec analyze <spec>    every computed result; --json for the documented JSON document
//   cellspec report <spec> -o report.html   the preview page as one self-contained HTML file
import * as fs from 'fs';
import * as path from 'path';
import { URI } from 'vscode-uri';
import { analyzeSpec, SpecAnalysis } from './engine/specAnalysis';
import { Diagnostic } from './engine/syntax';
import { Workspace } from './engine/workspace';
import { fileUri, nodeFileSystem } from './nodeFileSystem';
import { buildReport } from './results/report';
import { RunOutcome, StudySession } from './results/study';
import { summarize } from './results/summaries';
import { reportHtml } from '../protocol/page';

const USAGE = `usage: cellspec check [--no-plausibility] [--no-data] [--json] <file.cellspec>...
       cellspec analyze [--no-plausibility] [--json] [--points] <file.cellspec>
       cellspec report [--no-plausibility] <file.cellspec> -o <report.html>
  check    check the files (and the data files their runs name) and print the problems as
           file:line:col: severity code: message
  analyze  read the runs' data files, compute every result and print it; --json prints the
           JSON document described by docs/analyze.schema.json (--points adds the plot series)
  report   analyse like analyze and write the preview (charts, results, predictions, problems)
           as one self-contained HTML file that opens offline in any browser; writes nothing else
exit codes: 0 no errors, 1 errors found (in the spec or its data), 2 usage error or unreadable file`;

type Out = (s: string) => void;
const stdout: Out = (s) => process.stdout.write(s + '\n');

const FLAGS: Record<string, string[]> = {
  check: ['--json', '--no-plausibility', '--no-data'],
  analyze: ['--json', '--no-plausibility', '--points'],
  report: ['--no-plausibility'],
};

export async function main(argv: string[], out: Out = stdout): Promise<number> {
  const [command, ...args] = argv;
  if (command === '--help' || command === '-h' || command === 'help') { out(USAGE); return 0; }
  if (!FLAGS[command]) { out(USAGE); return 2; }
  // report takes a value: -o <file> (or --output <file>); take it out before the flags are read.
  let output: string | undefined;
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (command === 'report' && (args[i] === '-o' || args[i] === '--output')) {
      if (output !== undefined || i + 1 >= args.length) { out(USAGE); return 2; }
      output = args[++i];
    } else rest.push(args[i]);
  }
  const flags = new Set(rest.filter((a) => a.startsWith('--')));
  const unknown = [...flags].filter((f) => !FLAGS[command].includes(f));
  if (unknown.length) { out(`unknown option ${unknown.join(', ')}\n${USAGE}`); return 2; }
  const files = rest.filter((a) => !a.startsWith('--'));
  if (!files.length || (command !== 'check' && files.length !== 1)) { out(USAGE); return 2; }
  if (command === 'report' && !output) { out(`report needs an output file: -o <report.html>\n${USAGE}`); return 2; }
  const ws = new Workspace(nodeFileSystem);
  const study = new StudySession();
  const options = { plausibility: !flags.has('--no-plausibility') };
  if (command === 'report') return reportCommand(ws, study, files[0], output!, options, out);
  return command === 'check' ? check(ws, study, files, flags, options, out) : analyzeCommand(ws, study, files[0], flags, options, out);
}

/** The CLI analyses each spec once, in process: version 0 of every document. */
const VERSION = 0;

/** Engine diagnostics plus, unless turned off, the problems of the runs' data files. */
async function withData(study: StudySession, a: SpecAnalysis, data: boolean): Promise<{ diagnostics: Diagnostic[]; outcomes: RunOutcome[] }> {
  if (data) await study.refresh(a, VERSION);
  return { diagnostics: study.diagnostics(a, VERSION), outcomes: study.outcomes(a.file.uri, VERSION) ?? [] };
}

async function check(ws: Workspace, study: StudySession, files: string[], flags: Set<string>, options: { plausibility: boolean }, out: Out): Promise<number> {
  let errors = 0, warnings = 0, status = 0;
  const json: unknown[] = [];
  for (const f of files) {
    const a = analyzeSpec(ws, fileUri(f), options);
    if (!a) {
      if (flags.has('--json')) json.push({ file: f, severity: 'error', code: 'unreadable', message: 'cannot read the file' });
      else out(`${f}: error: cannot read the file`);
      status = 2;
      continue;
    }
    const rel = path.relative(process.cwd(), URI.parse(a.file.uri).fsPath) || f;
    const { diagnostics } = await withData(study, a, !flags.has('--no-data'));
    for (const d of [...diagnostics].sort((x, y) => x.start - y.start)) {
      const p = a.file.lines.position(d.start);
      if (d.severity === 'error') errors++;
      if (d.severity === 'warning') warnings++;
      if (flags.has('--json')) json.push({ file: rel, line: p.line + 1, column: p.character + 1, severity: d.severity, code: d.code, message: d.message });
      else out(`${rel}:${p.line + 1}:${p.character + 1}: ${d.severity} ${d.code}: ${d.message}`);
    }
  }
  if (flags.has('--json')) out(JSON.stringify(json, null, 2));
  else out(`${files.length} file${files.length === 1 ? '' : 's'} checked: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`);
  return status || (errors ? 1 : 0);
}

async function analyzeCommand(ws: Workspace, study: StudySession, file: string, flags: Set<string>, options: { plausibility: boolean }, out: Out): Promise<number> {
  const a = analyzeSpec(ws, fileUri(file), options);
  if (!a) { out(flags.has('--json') ? JSON.stringify({ error: `cannot read ${file}` }) : `${file}: error: cannot read the file`); return 2; }
  const { diagnostics, outcomes } = await withData(study, a, true);
  const runs = outcomes.map((o) => o.result);
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  if (flags.has('--json')) {
    out(JSON.stringify(buildReport(a, diagnostics, outcomes, { points: flags.has('--points') }), null, 2));
    return errors ? 1 : 0;
  }
  for (const d of [...diagnostics].sort((x, y) => x.start - y.start).filter((x) => x.severity === 'error')) {
    const p = a.file.lines.position(d.start);
    out(`${file}:${p.line + 1}:${p.character + 1}: ${d.severity} ${d.code}: ${d.message}`);
  }
  for (const r of runs) {
    out(`run ${r.run}  (${r.files.length} file${r.files.length === 1 ? '' : 's'})`);
    for (const line of summarize(r)) out(`  ${line.label}: ${line.text}`);
    for (const m of r.plan) out(`  plan: ${m}`);
  }
  out(`${runs.length} run${runs.length === 1 ? '' : 's'} with data analysed: ${errors} error${errors === 1 ? '' : 's'}`);
  return errors ? 1 : 0;
}

/** The same path, symlinks and case-insensitive file systems included, when the file exists. */
function sameFile(a: string, b: string): boolean {
  if (path.resolve(a) === path.resolve(b)) return true;
  try {
    const x = fs.statSync(a), y = fs.statSync(b);
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return false;
  }
}

/** The page bundle next to the CLI (dist/), or in dist/ when run from the compiled tests (out/server/). */
function pageAssets(): { script: string; css: string } | undefined {
  for (const dir of [__dirname, path.join(__dirname, '..', '..', 'dist')]) {
    try {
      return { script: fs.readFileSync(path.join(dir, 'webview.js'), 'utf8'), css: fs.readFileSync(path.join(dir, 'webview.css'), 'utf8') };
    } catch {
      // try the next place
    }
  }
  return undefined;
}

async function reportCommand(ws: Workspace, study: StudySession, file: string, output: string, options: { plausibility: boolean }, out: Out): Promise<number> {
  if (sameFile(output, file) || /\.cellspec$/i.test(output)) { out(`${output}: error: refusing to overwrite a spec with the report; name an .html file`); return 2; }
  const a = analyzeSpec(ws, fileUri(file), options);
  if (!a) { out(`${file}: error: cannot read the file`); return 2; }
  const assets = pageAssets();
  if (!assets) { out('error: the preview page (dist/webview.js, dist/webview.css) is missing; run npm run build'); return 2; }
  const { diagnostics } = await withData(study, a, true);
  const model = study.previewModel(a, VERSION);
  try {
    fs.writeFileSync(output, reportHtml(model, assets));
  } catch (e) {
    out(`${output}: error: cannot write the report (${(e as NodeJS.ErrnoException).code ?? e})`);
    return 2;
  }
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  for (const d of [...diagnostics].sort((x, y) => x.start - y.start).filter((x) => x.severity === 'error')) {
    const p = a.file.lines.position(d.start);
    out(`${file}:${p.line + 1}:${p.character + 1}: ${d.severity} ${d.code}: ${d.message}`);
  }
  out(`${output}: ${model.charts.length} chart${model.charts.length === 1 ? '' : 's'}, ${model.results.length} result${model.results.length === 1 ? '' : 's'}, ${errors} error${errors === 1 ? '' : 's'}`);
  return errors ? 1 : 0;
}

if (require.main === module) void main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
