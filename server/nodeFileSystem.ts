// The engine's FileSystem on Node: reads file: URIs from disk. Refuses huge files instead of
// loading them (a .cellspec file is a text plan, never gigabytes).
import * as fs from 'fs';
import { URI } from 'vscode-uri';
import { FileSystem } from './engine/workspace';

const MAX_SPEC_BYTES = 64 * 1024 * 1024;

export const nodeFileSystem: FileSystem = {
  readFile(uri: string): string | undefined {
    try {
      const path = URI.parse(uri).fsPath;
      const st = fs.statSync(path);
      if (!st.isFile() || st.size > MAX_SPEC_BYTES) return undefined;
      return fs.readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
};

export function fileUri(path: string): string {
  return URI.file(require('path').resolve(path)).toString();
}
