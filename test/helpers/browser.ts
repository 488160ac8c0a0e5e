// Headless Debian Chromium through playwright-core (no downloaded browser), a fresh profile per
// launch, no network: pages are served from memory by request routing, everything else aborted.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BrowserContext, chromium, Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

// The init script below runs in the page; these are the page's globals (no lib "dom" for Node code).
declare const document: { addEventListener(type: string, listener: (e: { violatedDirective: string; blockedURI: string; sourceFile: string; lineNumber: number; sample: string }) => void): void };
declare const window: unknown;

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<Browser> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'cellspec-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
  });
  return {
    context,
    close: async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

export interface Served { body: string | Buffer; contentType: string }

/** Serves `files` (absolute URLs) from memory; any other request, file:// aside, is aborted. */
export async function serve(page: Page, files: Record<string, Served>, aborted: string[] = []): Promise<void> {
  await page.route('**/*', (route) => {
    const url = route.request().url();
    const file = files[url];
    if (file) return route.fulfill({ status: 200, contentType: file.contentType, body: file.body });
    if (url.startsWith('file:')) return route.continue();
    aborted.push(url);
    return route.abort('blockedbyclient');
  });
}

/** What went wrong on a page: console errors and warnings, uncaught errors, CSP violations. */
export interface Watch {
  errors: string[];
  warnings: string[];
  violations: string[];
}

/**
 * Collects problems from the first byte on. The violation listener is installed as an init
 * script: it only records events, the page still renders by its own scripts under its CSP.
 */
export async function watch(page: Page): Promise<Watch> {
  const w: Watch = { errors: [], warnings: [], violations: [] };
  page.on('console', (m) => {
    if (m.type() === 'error') w.errors.push(m.text());
    if (m.type() === 'warning') w.warnings.push(m.text());
    if (/Content Security Policy|Refused to/i.test(m.text())) w.violations.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => w.errors.push(`pageerror: ${e.stack ?? e.message}`));
  await page.exposeBinding('__cspViolation', (_source, text: string) => { w.violations.push(text); });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { __cspViolation(t: string): void }).__cspViolation(`${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}: ${e.sample}`);
    });
  });
  return w;
}
