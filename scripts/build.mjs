// Bundles the extension client, the language server and the CLI with esbuild (CommonJS, Node 20),
// and the preview page for the webview (browser, one minified IIFE plus its stylesheet).
import { createHash } from 'crypto';
import { copyFileSync, mkdirSync, readFileSync, readdirSync } from 'fs';
import { join, sep } from 'path';
import { build } from 'esbuild';

// The fingerprint of the engine's code (every source under server/ and the locked dependencies),
// the same in every bundle: the disk cache keeps an analysis under it, so an analysis written by
// `--jobs 1` (cli.js) is found by the workers (dataWorkerMain.js) and the reverse, and any change
// of the code or a dependency makes the entries it wrote unused. All of server/, not only the
// analyses: what an analysis imports is hard to bound by hand, and a needless recompute is cheap
// next to a result kept from other code. Paths with '/', so every OS gives the same hash.
function engineFingerprint() {
  const hash = createHash('sha1');
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else { hash.update(p.split(sep).join('/')); hash.update(readFileSync(p)); }
    }
  };
  walk('server');
  hash.update(readFileSync('package-lock.json'));
  return hash.digest('hex');
}

// Large dependencies that only some files or commands need (SheetJS for workbooks, mdb-reader for
// Arbin .res, apache-arrow for --cache, hyparquet-writer for convert --parquet): each is bundled once
// as a file of its own in dist/vendor/ and left out of the bundles, whose require() of it (made
// where it is first needed, never at the top of a module) loads that file. So the CLI, the language
// server and the workers do not read and compile their 3 MB at every start.
const VENDOR = { '@e965/xlsx': 'xlsx', 'apache-arrow': 'apache-arrow', 'mdb-reader': 'mdb-reader', 'hyparquet-writer': 'hyparquet-writer' };
const vendorOutside = {
  name: 'vendor-outside',
  setup(b) {
    const names = Object.keys(VENDOR).map((n) => n.replace(/[/\\-]/g, '\\$&'));
    b.onResolve({ filter: new RegExp(`^(${names.join('|')})$`) }, (args) => ({ path: `./vendor/${VENDOR[args.path]}.js`, external: true }));
  },
};
const common = {
  bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, logLevel: 'warning', plugins: [vendorOutside],
  define: { CELLSPEC_ENGINE_FINGERPRINT: JSON.stringify(engineFingerprint()) },
};
const vendor = (pkg, name) => build({
  bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, logLevel: 'warning',
  stdin: { contents: `module.exports = require(${JSON.stringify(pkg)});`, resolveDir: '.', sourcefile: `vendor-${name}.js` },
  outfile: `dist/vendor/${name}.js`,
});
// VS Code 1.82 runs webviews in Electron 25 (Chromium 114); the report opens in any current browser.
const page = { bundle: true, platform: 'browser', target: ['chrome114', 'firefox115', 'safari16'], minify: true, logLevel: 'warning', legalComments: 'none' };
await Promise.all([
  build({ ...common, entryPoints: ['client/extension.ts'], outfile: 'dist/client.js', external: ['vscode'] }),
  build({ ...common, entryPoints: ['server/server.ts'], outfile: 'dist/server.js' }),
  build({ ...common, entryPoints: ['server/cli.ts'], outfile: 'dist/cli.js' }),
  // bin/cellspec loads cli.js through it (V8's code cache); Node's built-ins only.
  build({ ...common, entryPoints: ['server/cli/codeCache.ts'], outfile: 'dist/codeCache.js' }),
  // The pool starts dataWorker.js, which loads dataWorkerMain.js with V8's code cache.
  build({ ...common, entryPoints: ['server/results/dataWorker.ts'], outfile: 'dist/dataWorkerMain.js' }),
  build({ ...common, entryPoints: ['server/cli/cachedDataWorker.ts'], outfile: 'dist/dataWorker.js' }),
  build({ ...common, entryPoints: ['server/convert/worker.ts'], outfile: 'dist/convertWorker.js' }),
  ...Object.entries(VENDOR).map(([pkg, name]) => vendor(pkg, name)),
  build({ ...page, entryPoints: ['webview/main.ts'], outfile: 'dist/webview.js', format: 'iife' }),
  build({ ...page, entryPoints: ['webview/webview.css'], outfile: 'dist/webview.css' }),
]);
// The standard material library is read at start by the server and the CLI (server/library/shipped.ts).
mkdirSync('dist/library', { recursive: true });
for (const f of readdirSync('server/library').filter((n) => n.endsWith('.cellspec'))) copyFileSync(`server/library/${f}`, `dist/library/${f}`);
