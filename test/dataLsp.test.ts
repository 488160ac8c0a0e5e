// The language server with data: results reach hovers, inlay hints and diagnostics, and a changed
// or broken data file is analysed again, off the request path.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Hover, InlayHint } from 'vscode-languageserver-protocol';
import { fileUri, LspClient, positionOf, repoRoot } from './helpers/lspClient';

const EXAMPLES = path.join(repoRoot(), 'examples');

describe('LSP with data files', function () {
  this.timeout(240000); // a hang watchdog: three cells per build make the first analysis slow on a loaded machine
  let c: LspClient;
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cellspec-data-'));
    fs.cpSync(EXAMPLES, dir, { recursive: true });
  });
  after(async () => {
    await c?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('shows run results in hover and hints, and data problems on the data reference', async () => {
    c = await LspClient.start({ workspaceFolder: dir, timeoutMs: 120000 });
    const spec = path.join(dir, 'study.cellspec');
    const uri = fileUri(spec);
    const text = fs.readFileSync(spec, 'utf8');
    await c.open(uri, text);
    // The data analysis publishes a second time with the plan mismatch of the failing bare-Li cell.
    const d = await c.waitForCurrentDiagnostics(uri, (ds) => ds.some((x) => x.code === 'plan-mismatch'));
    assert.ok(d.diagnostics.every((x) => x.severity !== 1), JSON.stringify(d.diagnostics.filter((x) => x.severity === 1)));

    // Cell 1 of Li-LNT10F shorts at the published CCD, the step the ramp was on.
    const hover = await c.request<Hover>('textDocument/hover', { textDocument: { uri }, position: positionOf(text, 'run ccd-ramp on sym-LNT10F-1', 5) });
    const md = (hover.contents as { value: string }).value;
    assert.match(md, /\*\*CCD\*\*: 1\.5 mA\/cm²/);
    // The build: its three cells' CCDs (1.5, 1.4, 1.6 mA/cm²) as mean ± SD with the 95 % interval.
    const build = await c.request<Hover>('textDocument/hover', { textDocument: { uri }, position: positionOf(text, 'cell sym-LNT10F symmetric', 6) });
    const bmd = (build.contents as { value: string }).value;
    assert.match(bmd, /\*\*build sym-LNT10F\*\*: 3 cells with data/);
    assert.match(bmd, /\*\*CCD\*\* \(ccd-ramp\): n = 3: 1\.5 ± 0\.1 mA\/cm² \(mean ± SD\), SE 0\.058, 95 % interval 1\.252 \.\. 1\.748 mA\/cm²/);

    const hints = await c.request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: text.split('\n').length, character: 0 } } });
    const labels = hints.map((h) => (typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join('')));
    const lines = text.split('\n');
    const inRun = (header: string) => {
      const start = lines.findIndex((l) => l.startsWith(header + ' {'));
      const end = lines.findIndex((l, i) => i > start && l.startsWith('}'));
      return hints.filter((h) => h.position.line >= start && h.position.line <= end);
    };
    const labelOf = (h: InlayHint) => labels[hints.indexOf(h)];
    const tooltipOf = (h: InlayHint) => (typeof h.tooltip === 'string' ? h.tooltip : h.tooltip?.value ?? '');
    // Each cell's own figures: a Sand fit within the 5 % scatter of its four depletion times of the
    // published 9.62e-10 cm²/s; the hint keeps the value, its tooltip the standard error and R² below
    // 1 (the data carry noise).
    const sand = inRun('run sand-series on half-LNT10F-1');
    const m = /D_eff (\d\.\d+e-10) cm²\/s/.exec(sand.map(labelOf).join('\n'));
    assert.ok(m, sand.map(labelOf).join('\n') || labels.join('\n'));
    assert.ok(Math.abs(Number(m[1]) / 9.62e-10 - 1) < 0.1, m[0]);
    const se = /± (\d(?:\.\d+)?e-1[12]) cm²\/s \(R² (0\.99\d*), 4 currents\)/.exec(sand.map(tooltipOf).join('\n'));
    assert.ok(se && Number(se[1]) > 0, sand.map(tooltipOf).join('\n'));
    // Cell 1 of bare Li: 8.24 -> 27.87 Ω noise-free (examples/data/README.md), a = 8.74 %, within the spectra's noise.
    const contact = /contact (\d+\.\d+) %/.exec(inRun('run strip-0p5 on half-Li-1').map(labelOf).join('\n'));
    assert.ok(contact && Math.abs(Number(contact[1]) / (100 * (8.24 / 27.87) ** 2) - 1) < 0.05, labels.join('\n'));
  });

  it('reports a broken data file with its name and line, and recovers when it is fixed', async () => {
    const spec = path.join(dir, 'study.cellspec');
    const uri = fileUri(spec);
    const file = path.join(dir, 'data', 'ccd-sym-Li-1.mpt');
    const good = fs.readFileSync(file);
    fs.writeFileSync(file, Buffer.from([0, 1, 2, 3, 0, 0, 0xff, 0xfe, 0, 7]));
    await c.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(file), type: 2 }] });
    const broken = await c.waitForDiagnostics(uri, (p) => p.diagnostics.some((x) => x.code === 'data-error' && /ccd-sym-Li-1\.mpt/.test(x.message)));
    const err = broken.diagnostics.find((x) => x.code === 'data-error')!;
    assert.match(err.message, /binary/i);
    fs.writeFileSync(file, good);
    await c.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(file), type: 2 }] });
    await c.waitForDiagnostics(uri, (p) => !p.diagnostics.some((x) => x.code === 'data-error'));
  });
});
