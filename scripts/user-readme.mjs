// Writes the README the package ships (dist/README.md, packaged with `vsce --readme-path`) from the
// user README (README.user.md), with each local image inlined as a data: URI. VS Code shows an
// installed extension's README in a webview whose Content-Security-Policy allows images only from
// https: and data:, and gives it no base URL: a relative path never loads there, and an https URL
// needs a published repository and a network. README.user.md keeps its relative paths, so it
// reads right in the repository and in the Markdown preview.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'fs';
import { dirname, extname, join, resolve } from 'path';
import { fileURLToPath } from 'url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TYPES = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.webp': 'image/webp' };

/** The markdown with every `![alt](relative/path.png)` replaced by its bytes as a data: URI. */
export function inlineImages(markdown, baseDir) {
  return markdown.replace(/(!\[[^\]]*\]\()([^)\s]+)(\))/g, (all, open, src, close) => {
    if (/^[a-z][a-z0-9+.-]*:/i.test(src)) return all; // already a URL
    const file = join(baseDir, decodeURI(src));
    const type = TYPES[extname(file).toLowerCase()];
    if (!type) throw new Error(`README.user.md: ${src} is not a PNG, JPEG, GIF or WebP image`);
    if (!existsSync(file)) throw new Error(`README.user.md: the image ${src} does not exist`);
    return `${open}data:${type};base64,${readFileSync(file).toString('base64')}${close}`;
  });
}

export function writeUserReadme(source = join(ROOT, 'README.user.md'), target = join(ROOT, 'dist', 'README.md')) {
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, inlineImages(readFileSync(source, 'utf8'), dirname(source)));
  return target;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(`wrote ${writeUserReadme()}`);
}
