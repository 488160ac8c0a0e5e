// The .vsix as `npm run package` makes it (the user README with its images inlined, then vsce
// with the same flags), written where a test wants it, and read back as a map of its files.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { unzipSync } from 'fflate';
import { repoRoot } from './lspClient';

const ROOT = repoRoot();

/** The flags of the package script after `vsce package`, without its `-o cellspec.vsix`. */
function packageFlags(): string[] {
  const script: string = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts.package;
  const vsce = /vsce package (.*) -o cellspec\.vsix$/.exec(script);
  if (!vsce) throw new Error(`the package script is not "... vsce package FLAGS -o cellspec.vsix": ${script}`);
  return vsce[1].split(/\s+/);
}

export function packageVsix(target: string): void {
  execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'user-readme.mjs')], { cwd: ROOT, stdio: 'pipe' });
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', ...packageFlags(), '-o', target],
    { cwd: ROOT, stdio: 'pipe' });
}

/** The files of a .vsix by their path inside it (extension/...). */
export function vsixFiles(vsix: string): Map<string, Uint8Array> {
  return new Map(Object.entries(unzipSync(fs.readFileSync(vsix))));
}
