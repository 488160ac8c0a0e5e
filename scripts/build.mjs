// Bundles the extension client, the language server and the CLI with esbuild (CommonJS, Node 20),
// and the preview page for the webview (browser, one minified IIFE plus its stylesheet).
import { copyFileSync, mkdirSync, readdirSync } from 'fs';
import { build } from 'esbuild';

const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, logLevel: 'warning' };
// VS Code 1.82 runs webviews in Electron 25 (Chromium 114); the report opens in any current browser.
const page = { bundle: true, platform: 'browser', target: ['chrome114', 'firefox115', 'safari16'], minify: true, logLevel: 'warning', legalComments: 'none' };
await Promise.all([
  build({ ...common, entryPoints: ['client/extension.ts'], outfile: 'dist/client.js', external: ['vscode'] }),
  build({ ...common, entryPoints: ['server/server.ts'], outfile: 'dist/server.js' }),
  build({ ...common, entryPoints: ['server/cli.ts'], outfile: 'dist/cli.js' }),
  build({ ...common, entryPoints: ['server/results/dataWorker.ts'], outfile: 'dist/dataWorker.js' }),
  build({ ...common, entryPoints: ['server/convert/worker.ts'], outfile: 'dist/convertWorker.js' }),
  build({ ...page, entryPoints: ['webview/main.ts'], outfile: 'dist/webview.js', format: 'iife' }),
  build({ ...page, entryPoints: ['webview/webview.css'], outfile: 'dist/webview.css' }),
]);
// The standard material library is read at start by the server and the CLI (server/library/shipped.ts).
mkdirSync('dist/library', { recursive: true });
for (const f of readdirSync('server/library').filter((n) => n.endsWith('.cellspec'))) copyFileSync(`server/library/${f}`, `dist/library/${f}`);
