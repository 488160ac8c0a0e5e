// cellspec analyze <spec>: every computed result, in text or as the documented JSON document.
import { analyzeSpec } from '../engine/specAnalysis';
import { fileUri } from '../nodeFileSystem';
import { buildReport } from '../results/report';
import { summarize, summarizeBuilds } from '../results/summaries';
import { buildResults } from '../results/builds';
import { Context, count, plural, printDiagnostics, withData } from './context';

export async function analyze(ctx: Context): Promise<number> {
  const file = ctx.positionals[0];
  const asJson = ctx.flags.has('--json');
  const a = analyzeSpec(ctx.ws, fileUri(file), { plausibility: ctx.plausibility });
  if (!a) { ctx.out(asJson ? JSON.stringify({ error: `cannot read ${file}` }) : `${file}: error: cannot read the file`); return 2; }
  const { diagnostics, outcomes } = await withData(ctx, a, true);
  const errors = count(diagnostics, 'error');
  if (asJson) {
    ctx.out(JSON.stringify(buildReport(a, diagnostics, outcomes, { points: ctx.flags.has('--points') }), null, 2));
    return errors ? 1 : 0;
  }
  // Warnings too (a truncated row, a fit that did not converge): what check prints, analyze does not hide.
  printDiagnostics(ctx, a, file, diagnostics, ['error', 'warning']);
  for (const { result: r } of outcomes) {
    ctx.out(`run ${r.run}  (${plural(r.files.length, 'file')})`);
    for (const line of summarize(r)) ctx.out(`  ${line.label}: ${line.text}`);
    for (const m of r.plan) ctx.out(`  plan: ${m}`);
  }
  for (const { owner, lines } of summarizeBuilds(buildResults(a, outcomes))) {
    ctx.out(owner);
    for (const line of lines) ctx.out(`  ${line.label}: ${line.text}`);
  }
  ctx.out(`${plural(outcomes.length, 'run')} with data analysed: ${plural(errors, 'error')}, ${plural(count(diagnostics, 'warning'), 'warning')}`);
  return errors ? 1 : 0;
}
