// Where each diagnostic code is documented: its row in docs/diagnostics.md, which ships inside
// the extension (and sits beside dist/ in a clone). The link is a file URI with a `#L<line>`
// fragment: VS Code opens file links in an editor at that line (its opener reads `L12` fragments),
// offline, in restricted mode and in code-server alike, and always for the installed version. A
// web page would need a published site (the repository URL is a placeholder) and a network.
import * as fs from 'fs';
import * as path from 'path';
import { URI } from 'vscode-uri';

/** docs/diagnostics.md next to the bundle: dist/server.js → ../docs. */
export const DIAGNOSTICS_DOC = path.resolve(__dirname, '..', 'docs', 'diagnostics.md');

/** Code → 1-based line of its table row, from the codes in backticks in each row's first cell. */
export function codeLines(markdown: string): Map<string, number> {
  const lines = new Map<string, number>();
  markdown.split('\n').forEach((text, i) => {
    const first = /^\|([^|]*)\|/.exec(text)?.[1] ?? '';
    for (const m of first.matchAll(/`([a-z][a-z0-9-]*)`/g)) if (!lines.has(m[1])) lines.set(m[1], i + 1);
  });
  return lines;
}

let links: Map<string, string> | undefined;

/** The documentation link of a code, or undefined when the code (or the file) is not there. */
export function docsLink(code: string): string | undefined {
  if (!links) {
    let text = '';
    try { text = fs.readFileSync(DIAGNOSTICS_DOC, 'utf8'); } catch { /* no docs beside the bundle: no links */ }
    const uri = URI.file(DIAGNOSTICS_DOC).toString();
    links = new Map([...codeLines(text)].map(([c, line]) => [c, `${uri}#L${line}`]));
  }
  return links.get(code);
}
