// The main job for a fresh clone: build, package the .vsix, and check the example study with
// the command line (which prints its problems and derived facts the way CI would see them).
import { execFileSync } from 'child_process';

const run = (cmd, args) => execFileSync(cmd, args, { stdio: 'inherit' });
run('bash', ['scripts/setup.sh', '--npm-only']);
run('npm', ['run', 'build']);
run('npx', ['vsce', 'package', '--no-dependencies', '-o', 'cellspec.vsix']);
console.log('\nChecking the example study with the command line:');
try {
  run('node', ['bin/cellspec', 'check', 'examples/study.cellspec', 'examples/materials.cellspec']);
} catch (e) {
  process.exitCode = e.status ?? 1;
}
