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
  this.timeout(60000);
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
    c = await LspClient.start({ workspaceFolder: dir, timeoutMs: 30000 });
    const spec = path.join(dir, 'study.cellspec');
    const uri = fileUri(spec);
    const text = fs.readFileSync(spec, 'utf8');
    await c.open(uri, text);
    // The data analysis publishes a second time with the plan mismatch of the failing bare-Li cell.
    const d = await c.waitForCurrentDiagnostics(uri, (ds) => ds.some((x) => x.code === 'plan-mismatch'));
    assert.ok(d.diagnostics.every((x) => x.severity !== 1), JSON.stringify(d.diagnostics.filter((x) => x.severity === 1)));

    const hover = await c.request<Hover>('textDocument/hover', { textDocument: { uri }, position: positionOf(text, 'run ccd-ramp on sym-LNT10F', 5) });
    const md = (hover.contents as { value: string }).value;
    assert.match(md, /\*\*CCD\*\*: 1\.5 mA\/cm²/);

    const hints = await c.request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: text.split('\n').length, character: 0 } } });
    const labels = hints.map((h) => (typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join('')));
    assert.ok(labels.some((l) => /D_eff 9\.62e-10/.test(l)), labels.join('\n'));
    assert.ok(labels.some((l) => /contact 7\.42 %/.test(l)), labels.join("\n"));
  });

  it('reports a broken data file with its name and line, and recovers when it is fixed', async () => {
    const spec = path.join(dir, 'study.cellspec');
    const uri = fileUri(spec);
    const file = path.join(dir, 'data', 'ccd-sym-Li.mpt');
    const good = fs.readFileSync(file);
    fs.writeFileSync(file, Buffer.from([0, 1, 2, 3, 0, 0, 0xff, 0xfe, 0, 7]));
    await c.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(file), type: 2 }] });
    const broken = await c.waitForDiagnostics(uri, (p) => p.diagnostics.some((x) => x.code === 'data-error' && /ccd-sym-Li\.mpt/.test(x.message)));
    const err = broken.diagnostics.find((x) => x.code === 'data-error')!;
    assert.match(err.message, /binary/i);
    fs.writeFileSync(file, good);
    await c.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(file), type: 2 }] });
    await c.waitForDiagnostics(uri, (p) => !p.diagnostics.some((x) => x.code === 'data-error'));
  });
});
