// The main job for a fresh clone: build, package the .vsix, check the example study with the
// command line (which prints its problems the way CI would see them), then open the example study
// in an editor with the extension installed: VS Code when `code` is on the PATH, else VS Code in
// the browser (code-server, installed into .code-server/ on first use) on http://127.0.0.1:8080
// until Ctrl-C. --no-open (or CI=true) stops after the check.
import { execFileSync, spawnSync } from 'child_process';
import { openExample } from './open-example.mjs';

const run = (cmd, args) => execFileSync(cmd, args, { stdio: 'inherit' });
run('bash', ['scripts/setup.sh', '--npm-only']);
run('npm', ['run', 'build']);
run('npm', ['run', 'package']);
console.log('\nChecking the example study with the command line:');
try {
  run('node', ['bin/cellspec', 'check', 'examples/study.cellspec', 'examples/materials.cellspec']);
} catch (e) {
  process.exitCode = e.status ?? 1;
}

const open = !process.argv.includes('--no-open') && !process.env.CI;
if (!open) {
  console.log('\nNot opening an editor (--no-open or CI). `node scripts/open-example.mjs` opens the example study.');
} else if (spawnSync('code', ['--version'], { stdio: 'ignore' }).status === 0) {
  console.log('\nOpening the example study in VS Code:');
  run('code', ['--install-extension', 'cellspec.vsix', '--force']);
  run('code', ['examples', 'examples/study.cellspec']);
} else {
  console.log('\nNo `code` on the PATH: opening the example study in VS Code in the browser (code-server).');
  const status = await openExample();
  if (!process.exitCode) process.exitCode = status;
}
