// What a new user meets before writing a line: the New Study template (it checks clean with the
// command line and is laid out as the formatter lays it out), and the package (its icons, the
// walkthrough with its media, the user README with images that load in the Extensions view, the
// commands and settings package.json declares). The code-server test covers the same paths in a
// real VS Code.
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { URI } from 'vscode-uri';
import { codeLines } from '../server/diagnosticDocs';
import { analyzeSpec } from '../server/engine/specAnalysis';
import { Workspace } from '../server/engine/workspace';
import { format } from '../server/features/format';
import { nodeFileSystem } from '../server/nodeFileSystem';
import { shippedLibrary } from '../server/library/shipped';
import { repoRoot } from './helpers/lspClient';
import { packageVsix, vsixFiles } from './helpers/vsix';

const ROOT = repoRoot();
const TEMPLATE = path.join(ROOT, 'templates', 'new-study.cellspec');
const read = (p: string) => fs.readFileSync(path.join(ROOT, p), 'utf8');
const manifest = JSON.parse(read('package.json'));

/** The local images a Markdown file shows (`![alt](path)`), as written. */
const imagesOf = (markdown: string) => [...markdown.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]);

/** Width and height of a PNG, from its IHDR chunk. */
function pngSize(bytes: Uint8Array): { width: number; height: number } {
  const b = Buffer.from(bytes);
  assert.equal(b.subarray(1, 4).toString('latin1'), 'PNG', 'a PNG file');
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

describe('New Study template', () => {
  const text = fs.readFileSync(TEMPLATE, 'utf8');

  it('declares no material: Li, Cu, LPSC, LiIn and NCM811 come from the standard library', () => {
    assert.doesNotMatch(text, /^material /m);
    for (const name of ['Li', 'Cu', 'LPSC', 'LiIn', 'NCM811']) assert.match(text, new RegExp(`\\b${name}\\b`), name);
  });

  it('checks clean with the command line: no errors, no warnings', () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'cellspec'), 'check', '--json', TEMPLATE], { encoding: 'utf8', timeout: 30000 });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const problems = (JSON.parse(r.stdout) as { severity: string; code: string; message: string }[]).filter((p) => p.severity !== 'info');
    assert.deepEqual(problems, []);
  });

  it('still checks clean where New Study puts it: alone in an empty folder', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cellspec-new-study-'));
    try {
      fs.copyFileSync(TEMPLATE, path.join(dir, 'study.cellspec'));
      const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'cellspec'), 'check', 'study.cellspec'], { cwd: dir, encoding: 'utf8', timeout: 30000 });
      assert.equal(r.status, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /1 file checked: 0 errors, 0 warnings/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is laid out as the formatter lays it out: two spaces, no trailing whitespace', () => {
    const a = analyzeSpec(new Workspace(nodeFileSystem), URI.file(TEMPLATE).toString())!;
    assert.equal(format(a.file.tree), text);
    text.split('\n').forEach((l, i) => {
      assert.ok(!/[ \t]$/.test(l), `line ${i + 1} ends in whitespace`);
      assert.ok(!l.includes('\t'), `line ${i + 1} has a tab`);
    });
  });

  it('implies the values a first look should show (area, Li inventory, Sand predictions)', () => {
    const a = analyzeSpec(new Workspace(nodeFileSystem, shippedLibrary()), URI.file(TEMPLATE).toString())!;
    const keys = new Set(a.derived.map((d) => d.key));
    for (const k of ['cell.area', 'cell.liInventory', 'cell.npRatio', 'run.sandTime']) assert.ok(keys.has(k), `derived ${k}: ${[...keys].join(', ')}`);
  });
});

describe('package.json contributions', () => {
  const contributes = manifest.contributes;

  it('registers every contributed command in the client', () => {
    const client = fs.readdirSync(path.join(ROOT, 'client')).map((f) => read(path.join('client', f))).join('\n');
    for (const c of contributes.commands as { command: string }[]) {
      assert.ok(client.includes(`registerCommand('${c.command}'`), `${c.command} is not registered in client/`);
    }
  });

  it('describes every setting', () => {
    for (const [key, p] of Object.entries(contributes.configuration.properties as Record<string, { description?: string; markdownDescription?: string }>)) {
      assert.ok((p.description ?? p.markdownDescription ?? '').length > 20, `${key} has no description`);
    }
  });

  it('indents .cellspec files by two spaces and trims trailing whitespace', () => {
    const d = contributes.configurationDefaults['[cellspec]'];
    assert.deepEqual([d['editor.tabSize'], d['editor.insertSpaces'], d['files.trimTrailingWhitespace']], [2, true, true]);
  });

  it('has a walkthrough whose steps have media and complete on commands that exist', () => {
    const [w] = contributes.walkthroughs as { steps: { id: string; media: { markdown?: string }; completionEvents?: string[]; description: string }[] }[];
    const commands = new Set((contributes.commands as { command: string }[]).map((c) => c.command));
    assert.deepEqual(w.steps.map((s) => s.id), ['openExample', 'newStudy', 'derivedValues', 'preview', 'export']);
    for (const s of w.steps) {
      assert.ok(s.media.markdown && fs.existsSync(path.join(ROOT, s.media.markdown)), `${s.id}: its media`);
      for (const e of s.completionEvents ?? []) assert.ok(commands.has(e.replace(/^onCommand:/, '')), `${s.id}: ${e}`);
      for (const m of s.description.matchAll(/\(command:([\w.]+)\)/g)) assert.ok(commands.has(m[1]), `${s.id}: ${m[1]}`);
    }
  });
});

describe('docs/diagnostics.md', () => {
  it('gives every code an anchor, and the server a line for each', () => {
    const docs = read('docs/diagnostics.md');
    const lines = codeLines(docs);
    assert.ok(lines.size >= 30, `${lines.size} codes`);
    const rows = docs.split('\n');
    for (const [code, line] of lines) {
      assert.ok(rows[line - 1].includes(`<a id="${code}"></a>`), `no anchor for ${code} on line ${line}`);
      assert.ok(rows[line - 1].includes(`\`${code}\``), `line ${line} is not the row of ${code}`);
    }
    for (const c of ['unknown-property', 'wrong-dimension', 'above-ccd', 'fit-failed', 'fit-not-converged', 'too-many-problems']) assert.ok(lines.has(c), c);
  });
});

describe('the .vsix', function () {
  this.timeout(120000);
  let dir: string;
  let files: Map<string, Uint8Array>;
  const file = (p: string) => {
    const f = files.get(`extension/${p}`);
    assert.ok(f, `extension/${p} is not in the .vsix`);
    return f;
  };
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cellspec-vsix-'));
    packageVsix(path.join(dir, 'cellspec.vsix'));
    files = vsixFiles(path.join(dir, 'cellspec.vsix'));
  });
  after(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

  it('ships the user README, with every image inlined as the bytes of a file of the repository', () => {
    assert.ok(!files.has('extension/README.md'), 'one README only (the user one, as readme.md)');
    const shipped = Buffer.from(file('readme.md')).toString('utf8');
    const source = read('README.user.md');
    assert.ok(!/npm (test|run)|Benchmark|\| package \| why \|/.test(shipped), 'no developer material');
    assert.match(shipped, /Install from VSIX/);
    const wanted = imagesOf(source);
    assert.ok(wanted.length >= 2, `${wanted.length} images`);
    const inlined = imagesOf(shipped);
    assert.equal(inlined.length, wanted.length);
    wanted.forEach((src, i) => {
      const m = /^data:image\/png;base64,(.*)$/.exec(inlined[i]);
      assert.ok(m, `image ${i + 1} is not a data: URI (the Extensions view loads only https: and data: images)`);
      assert.ok(Buffer.from(m[1], 'base64').equals(fs.readFileSync(path.join(ROOT, src))), `image ${i + 1} is not ${src}`);
      assert.ok(files.has(`extension/${src}`), `${src} ships too`);
    });
  });

  it('ships the walkthrough\'s pages and the images they show, at the paths they name', () => {
    for (const s of manifest.contributes.walkthroughs[0].steps as { media: { markdown: string } }[]) {
      const page = Buffer.from(file(s.media.markdown)).toString('utf8');
      const images = imagesOf(page);
      assert.ok(images.length > 0, `${s.media.markdown} shows an image`);
      for (const src of images) {
        const target = path.posix.join(path.posix.dirname(s.media.markdown), src);
        pngSize(file(target));
      }
    }
  });

  it('ships the icons: a 128×128 PNG for the extension, light and dark ones for .cellspec files', () => {
    assert.deepEqual(pngSize(file(manifest.icon)), { width: 128, height: 128 });
    const icon = manifest.contributes.languages[0].icon as { light: string; dark: string };
    for (const p of [icon.light, icon.dark]) assert.match(Buffer.from(file(p.replace(/^\.\//, ''))).toString('utf8'), /^<svg /);
  });

  it('ships what the commands and the diagnostics\' links read: the template, the examples, docs/diagnostics.md, the material library', () => {
    file('templates/new-study.cellspec');
    assert.equal(Buffer.from(file('dist/library/materials.cellspec')).toString('utf8'), read('server/library/materials.cellspec'));
    file('examples/study.cellspec');
    file('examples/materials.cellspec');
    file('docs/diagnostics.md');
  });
});
