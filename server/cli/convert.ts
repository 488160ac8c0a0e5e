// cellspec convert <files|folders>: instrument files as Battery Data Format tables (CSV, Parquet).
import * as os from 'os';
import { DATA_FORMATS } from '../engine/schema';
import { ConvertOptions, ConvertResult } from '../convert/convertFile';
import { planConversion, PlanProblem } from '../convert/plan';
import { convertAll } from '../convert/pool';
import { FormatId } from '../readers/types';
import { Context, Out, plural } from './context';
import { Progress } from './progress';

export async function convert(ctx: Context): Promise<number> {
  const format = ctx.values.format;
  if (format !== undefined && !(DATA_FORMATS as readonly string[]).includes(format)) {
    ctx.out(`--format ${format}: not a format cellspec reads (${DATA_FORMATS.join(', ')})`);
    return 2;
  }
  const threads = ctx.values.jobs === undefined ? os.availableParallelism() : Number(ctx.values.jobs);
  if (!Number.isInteger(threads) || threads < 1) { ctx.out(`--jobs ${ctx.values.jobs}: give a whole number of files at a time (1 or more)`); return 2; }
  const parquet = ctx.flags.has('--parquet');
  const asJson = ctx.flags.has('--json');
  const output = ctx.values.output;
  if (asJson && output === undefined) { ctx.out('--json prints results on standard output: name the output with -o'); return 2; }
  const plan = await planConversion(ctx.positionals, { output, extension: parquet ? '.parquet' : '.csv', extraRoots: ctx.values.roots });
  if (plan.usage) { ctx.out(`convert: ${plan.usage}`); return 2; }
  // With the table on standard output, messages go beside it (standard error).
  const say: Out = output === undefined ? ctx.err : ctx.out;
  const report = asJson ? jsonReporter(ctx.out) : textReporter(say, output !== undefined);
  for (const w of plan.warnings) report.warning(w);
  for (const p of plan.problems) report.problem(p);
  const opts: ConvertOptions = { parquet, format: format as FormatId | undefined, instrumentColumns: !ctx.flags.has('--bdf-only') };
  const progress = asJson || output === undefined ? new Progress(0, undefined) : Progress.forTerminal(plan.jobs.length);
  const results: ConvertResult[] = [];
  await convertAll(plan.jobs, opts, threads, (r) => {
    progress.clear();
    report.result(r);
    results.push(r);
    progress.step(r.ok ? r.bytesIn : 0);
  }, ctx.data);
  const failed = results.filter((r) => !r.ok).length + plan.problems.length;
  if (!asJson && output !== undefined) report.summary(results, failed);
  if (failed) return 2;
  return results.some((r) => r.ok && r.problems.some((p) => p.severity === 'error')) ? 1 : 0;
}

interface Reporter {
  warning(w: PlanProblem): void;
  problem(p: PlanProblem): void;
  result(r: ConvertResult): void;
  summary(results: ConvertResult[], failed: number): void;
}

/** file:line: severity: message, the way the other commands print problems. */
function textReporter(say: Out, announce: boolean): Reporter {
  return {
    warning: (w) => say(`${w.file}: warning: ${w.message}`),
    problem: (p) => say(`${p.file}: error: ${p.message}`),
    result(r) {
      if (!r.ok) { say(`${r.input}:${r.line}: error: ${r.message}`); return; }
      for (const p of r.problems) say(`${r.input}:${p.line}: ${p.severity}: ${p.message}`);
      if (announce) say(`${r.input} -> ${r.output}: ${plural(r.rows, 'row')}, ${plural(r.columns.length, 'column')} (${r.terms} Battery Data Format)`);
    },
    summary(results, failed) {
      const ok = results.filter((r) => r.ok);
      const mb = ok.reduce((s, r) => s + (r.ok ? r.bytesIn : 0), 0) / 1e6;
      say(`${plural(ok.length, 'file')} converted (${mb.toFixed(1)} MB read)${failed ? `, ${failed} not` : ''}`);
    },
  };
}

/** One JSON object per line (NDJSON): one per file, for scripts. */
function jsonReporter(out: Out): Reporter {
  const line = (o: unknown) => out(JSON.stringify(o));
  return {
    warning: (w) => line({ input: w.file, warning: w.message }),
    problem: (p) => line({ input: p.file, ok: false, line: 0, message: p.message }),
    result: (r) => line(r),
    summary: () => undefined,
  };
}
