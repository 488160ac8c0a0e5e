// cellspec report <spec> -o report.html: the preview page as one self-contained HTML file.
import * as fs from 'fs';
import * as path from 'path';
import { reportHtml } from '../../protocol/page';
import { analyzeSpec } from '../engine/specAnalysis';
import { fileUri } from '../nodeFileSystem';
import { Context, count, plural, printDiagnostics, VERSION, withData } from './context';

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

/** The page bundle next to the CLI (dist/), or in dist/ when run from the compiled tests (out/server/cli/). */
function pageAssets(): { script: string; css: string } | undefined {
  for (const dir of [__dirname, path.join(__dirname, '..', '..', '..', 'dist')]) {
    try {
      return { script: fs.readFileSync(path.join(dir, 'webview.js'), 'utf8'), css: fs.readFileSync(path.join(dir, 'webview.css'), 'utf8') };
    } catch {
      // try the next place
    }
  }
  return undefined;
}

export async function report(ctx: Context): Promise<number> {
  const file = ctx.positionals[0];
  const output = ctx.values.output!;
  if (sameFile(output, file) || /\.cellspec$/i.test(output)) { ctx.out(`${output}: error: refusing to overwrite a spec with the report; name an .html file`); return 2; }
  const a = analyzeSpec(ctx.ws, fileUri(file), { plausibility: ctx.plausibility });
  if (!a) { ctx.out(`${file}: error: cannot read the file`); return 2; }
  const assets = pageAssets();
  if (!assets) { ctx.out('error: the preview page (dist/webview.js, dist/webview.css) is missing; run npm run build'); return 2; }
  const { diagnostics } = await withData(ctx, a, true);
  const model = ctx.study.previewModel(a, VERSION);
  try {
    fs.writeFileSync(output, reportHtml(model, assets));
  } catch (e) {
    ctx.out(`${output}: error: cannot write the report (${(e as NodeJS.ErrnoException).code ?? e})`);
    return 2;
  }
  const errors = count(diagnostics, 'error');
  printDiagnostics(ctx, a, file, diagnostics, ['error']);
  ctx.out(`${output}: ${plural(model.charts.length, 'chart')}, ${plural(model.results.length, 'result')}, ${plural(errors, 'error')}`);
  return errors ? 1 : 0;
}
