// Bundles the extension client, the language server and the CLI with esbuild (CommonJS, Node 20),
// and the preview page for the webview (browser, one minified IIFE plus its stylesheet).
import { copyFileSync, mkdirSync, readdirSync } from 'fs';
import { build } from 'esbuild';

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
const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, logLevel: 'warning', plugins: [vendorOutside] };
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
