// The command line: `cellspec check <files>` prints file:line:col: severity code: message and
// exits 1 when there are errors. The same engine as the language server, without LSP.
import * as path from 'path';
import { URI } from 'vscode-uri';
import { analyze } from './engine/analysis';
import { Workspace } from './engine/workspace';
import { fileUri, nodeFileSystem } from './nodeFileSystem';

const USAGE = `usage: cellspec check [--no-plausibility] [--json] <file.cellspec>...
  check   check the files and print their problems as file:line:col: severity code: message
exit codes: 0 no errors, 1 errors found, 2 usage error or unreadable file`;

export function main(argv: string[], out: (s: string) => void = (s) => process.stdout.write(s + '\n')): number {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') { out(USAGE); return 0; }
  if (command !== 'check') { out(USAGE); return 2; }
  const flags = new Set(rest.filter((a) => a.startsWith('--')));
  const unknown = [...flags].filter((f) => f !== '--json' && f !== '--no-plausibility');
  if (unknown.length) { out(`unknown option ${unknown.join(', ')}\n${USAGE}`); return 2; }
  const files = rest.filter((a) => !a.startsWith('--'));
  if (!files.length) { out(USAGE); return 2; }
  const ws = new Workspace(nodeFileSystem);
  let errors = 0, warnings = 0, status = 0;
  const json: unknown[] = [];
  for (const f of files) {
    const uri = fileUri(f);
    const a = analyze(ws, uri, { plausibility: !flags.has('--no-plausibility') });
    if (!a) {
      if (flags.has('--json')) json.push({ file: f, severity: 'error', code: 'unreadable', message: 'cannot read the file' });
      else out(`${f}: error: cannot read the file`);
      status = 2;
      continue;
    }
    const rel = path.relative(process.cwd(), URI.parse(uri).fsPath) || f;
    const sorted = [...a.diagnostics].sort((x, y) => x.start - y.start);
    for (const d of sorted) {
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

if (require.main === module) process.exitCode = main(process.argv.slice(2));
