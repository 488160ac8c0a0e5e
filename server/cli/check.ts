// cellspec check <files>: the problems of each spec and of the data files its runs name.
import { analyzeSpec } from '../engine/specAnalysis';
import { fileUri } from '../nodeFileSystem';
import { Context, count, plural, printDiagnostics, shownPath, withData } from './context';

export async function check(ctx: Context): Promise<number> {
  let errors = 0, warnings = 0, status = 0;
  const json: unknown[] = [];
  const asJson = ctx.flags.has('--json');
  for (const f of ctx.positionals) {
    const a = analyzeSpec(ctx.ws, fileUri(f), { plausibility: ctx.plausibility });
    if (!a) {
      if (asJson) json.push({ file: f, severity: 'error', code: 'unreadable', message: 'cannot read the file' });
      else ctx.out(`${f}: error: cannot read the file`);
      status = 2;
      continue;
    }
    const shown = shownPath(a, f);
    const { diagnostics } = await withData(ctx, a, !ctx.flags.has('--no-data'));
    errors += count(diagnostics, 'error');
    warnings += count(diagnostics, 'warning');
    if (!asJson) { printDiagnostics(ctx, a, shown, diagnostics, ['error', 'warning', 'info', 'hint']); continue; }
    for (const d of [...diagnostics].sort((x, y) => x.start - y.start)) {
      const p = a.file.lines.position(d.start);
      json.push({ file: shown, line: p.line + 1, column: p.character + 1, severity: d.severity, code: d.code, message: d.message });
    }
  }
  if (asJson) ctx.out(JSON.stringify(json, null, 2));
  else ctx.out(`${plural(ctx.positionals.length, 'file')} checked: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}`);
  return status || (errors ? 1 : 0);
}
