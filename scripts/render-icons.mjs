// Renders the hand-written SVG icons of media/ to the PNGs the package needs (the Marketplace and
// the Extensions view want a PNG extension icon): media/icon.svg → media/icon.png, 128×128.
// Uses Debian's Chromium through playwright-core (never downloads a browser). Run it after
// editing an SVG: node scripts/render-icons.mjs
import { readFileSync } from 'fs';
import { chromium } from 'playwright-core';

const ICONS = [{ svg: 'media/icon.svg', png: 'media/icon.png', size: 128 }];

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
try {
  for (const { svg, png, size } of ICONS) {
    const page = await browser.newPage({ viewport: { width: size, height: size }, deviceScaleFactor: 1 });
    const data = Buffer.from(readFileSync(svg)).toString('base64');
    await page.setContent(`<html><body style="margin:0;background:transparent"><img src="data:image/svg+xml;base64,${data}" width="${size}" height="${size}" style="display:block"></body></html>`);
    await page.waitForFunction(() => document.images[0]?.complete);
    await page.screenshot({ path: png, omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
    await page.close();
    console.log(`${svg} → ${png} (${size}×${size})`);
  }
} finally {
  await browser.close();
}
