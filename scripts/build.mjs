// Bundles the extension client, the language server and the CLI with esbuild (CommonJS, Node 20).
import { build } from 'esbuild';

const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, logLevel: 'warning' };
await Promise.all([
  build({ ...common, entryPoints: ['client/extension.ts'], outfile: 'dist/client.js', external: ['vscode'] }),
  build({ ...common, entryPoints: ['server/server.ts'], outfile: 'dist/server.js' }),
  build({ ...common, entryPoints: ['server/cli.ts'], outfile: 'dist/cli.js' }),
  build({ ...common, entryPoints: ['server/results/dataWorker.ts'], outfile: 'dist/dataWorker.js' }),
]);
