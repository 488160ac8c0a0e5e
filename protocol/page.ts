// The preview page's HTML, built on the Node side (no DOM here): the VS Code panel loads the
// bundle and stylesheet from the extension, the report inlines both with the model. Both pages are
// locked down by a nonce CSP with no 'unsafe-eval' (vega runs on vega-interpreter) and no
// 'unsafe-inline' (vega and Lit set styles through the CSSOM or constructable stylesheets, and the
// tooltip's default <style> is turned off in favour of webview.css).
import type { PreviewModel } from './preview';

export interface PanelPage {
  /** webview.asWebviewUri of dist/webview.js and dist/webview.css. */
  scriptUri: string;
  styleUri: string;
  /** webview.cspSource. */
  cspSource: string;
  /** A fresh nonce per page load. */
  nonce: string;
}

/** The CSP of the VS Code panel. */
export function previewCsp(cspSource: string, nonce: string): string {
  return [
    `default-src 'none'`,
    `img-src ${cspSource} data: blob:`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `base-uri 'none'`,
    `form-action 'none'`,
  ].join('; ');
}

/** The CSP of the report: everything is inline, so only the nonce lets it run. */
export function reportCsp(nonce: string): string {
  return [
    `default-src 'none'`,
    `img-src data: blob:`,
    `style-src 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
    `base-uri 'none'`,
    `form-action 'none'`,
  ].join('; ');
}

/** A nonce: 128 random bits, base64 (Web Crypto exists in Node 20 and in browsers). */
export function makeNonce(): string {
  const bytes = new Uint8Array(16);
  (globalThis as unknown as { crypto: { getRandomValues(a: Uint8Array): Uint8Array } }).crypto.getRandomValues(bytes);
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

const attr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const text = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The page of the VS Code webview panel; the extension then sends {type:'update'}. */
export function previewHtml(p: PanelPage): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${attr(previewCsp(p.cspSource, p.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${attr(p.styleUri)}" nonce="${attr(p.nonce)}">
<title>cellspec preview</title>
</head>
<body>
<main id="app"></main>
<script nonce="${attr(p.nonce)}" src="${attr(p.scriptUri)}"></script>
</body>
</html>
`;
}

/**
 * Inline content must not end its element early: `</script` (or `</style`) and `<!--` are the
 * only sequences the HTML parser acts on inside raw text. In the minified bundle they can only
 * occur inside string, template or regular-expression literals, where `<\/` and `<\!` mean the same.
 */
function rawText(s: string, tag: 'script' | 'style'): string {
  const end = new RegExp(`</(${tag})`, 'gi');
  return tag === 'script' ? s.replace(end, '<\\/$1').replace(/<!--/g, '<\\!--') : s.replace(end, '<\\/$1');
}

/** The model as a JSON data block: `<` escaped, so no string in it can close the element. */
export function modelJson(model: PreviewModel): string {
  return JSON.stringify(model).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** One self-contained HTML file: stylesheet, bundle and model inline; opens offline anywhere. */
export function reportHtml(model: PreviewModel, assets: { script: string; css: string; nonce?: string }): string {
  const nonce = assets.nonce ?? makeNonce();
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${attr(reportCsp(nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="cellspec report">
<title>${text(model.title)}</title>
<style nonce="${attr(nonce)}">${rawText(assets.css, 'style')}</style>
</head>
<body class="cs-report">
<main id="app"></main>
<script type="application/json" id="model">${modelJson(model)}</script>
<script nonce="${attr(nonce)}">${rawText(assets.script, 'script')}</script>
</body>
</html>
`;
}
