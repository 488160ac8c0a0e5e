// Preview benchmarks in headless Chromium: from opening the page to every chart drawn, for the
// example study and for a study whose cycling file has 1,000,000 points; and the language
// server's start (spawn → initialize answered), the bulk of the extension's activation.
import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { launchChromium } from '../test/helpers/browser';
import { writeMptGcpl } from '../test/helpers/dataFiles';

const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'dist/cli.js');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (t: bigint) => Number(process.hrtime.bigint() - t) / 1e6;

function report(spec: string, out: string): number {
  const t = process.hrtime.bigint();
  execFileSync(process.execPath, [CLI, 'report', spec, '-o', out], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return ms(t);
}

/** Opens the self-contained report page and waits until it says every chart is drawn. */
async function timeToCharts(html: string, runs: number): Promise<{ times: number[]; charts: number }> {
  const browser = await launchChromium();
  try {
    const times: number[] = [];
    let charts = 0;
    for (let k = 0; k < runs; k++) {
      const page = await browser.context.newPage();
      const t = process.hrtime.bigint();
      await page.goto('file://' + html);
      await page.waitForSelector('body[data-state="ready"], body[data-state="error"]', { state: 'attached', timeout: 60000 });
      times.push(ms(t));
      if (await page.$('body[data-state="error"]')) throw new Error('the page reports an error');
      charts = await page.$$eval('[data-chart-id] svg', (s) => s.length);
      await page.close();
    }
    return { times, charts };
  } finally {
    await browser.close();
  }
}

/**
 * Loading the extension's bundle (dist/client.js) in a fresh Node process, with a stand-in for the
 * 'vscode' module: the part of activation that is ours before the server starts.
 */
function clientLoad(): number {
  const script = `
    const Module = require('module');
    const resolve = Module._resolveFilename;
    Module._resolveFilename = function (r, ...rest) { return r === 'vscode' ? 'vscode' : resolve.call(this, r, ...rest); };
    require.cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: new Proxy({}, { get: () => new Proxy(function () {}, { get: () => ({}) }) }) };
    const t = process.hrtime.bigint();
    const ext = require(${JSON.stringify(path.join(ROOT, 'dist/client.js'))});
    if (typeof ext.activate !== 'function') throw new Error('no activate');
    console.log(Number(process.hrtime.bigint() - t) / 1e6);`;
  return Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }).trim());
}

/** Spawn the language server and time until it answers initialize. */
function serverStart(): Promise<number> {
  return new Promise((resolve, reject) => {
    const t = process.hrtime.bigint();
    const p = spawn(process.execPath, [path.join(ROOT, 'bin/cellspec-language-server'), '--stdio']);
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } });
    p.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    let out = '';
    const timer = setTimeout(() => { p.kill(); reject(new Error('no initialize answer in 20 s')); }, 20000);
    p.stdout.on('data', (d) => {
      out += d;
      if (out.includes('"id":1')) { clearTimeout(timer); const took = ms(t); p.kill(); resolve(took); }
    });
  });
}

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cellspec-bench-preview-'));
  try {
    const exampleHtml = path.join(tmp, 'example.html');
    const exampleReport = report(path.join(ROOT, 'examples/study.cellspec'), exampleHtml);
    const example = await timeToCharts(exampleHtml, 5);

    // A full cell cycled for 1,000,000 samples (±0.5 mA half cycles of 360 points: 1389 cycles).
    fs.copyFileSync(path.join(ROOT, 'examples/materials.cellspec'), path.join(tmp, 'materials.cellspec'));
    writeMptGcpl(path.join(tmp, 'cycling-1M.mpt'), 1_000_000);
    fs.writeFileSync(path.join(tmp, 'big.cellspec'), [
      'import "materials.cellspec"',
      'study "One million points" { temperature 25 °C; pressure 5 MPa; diameter 9 mm }',
      'cell full full {',
      '  stack Cu | Li 50 µm | LPSC 600 µm | NCM9',
      '  cathode NCM9 { loading 12 mg/cm²; active 67 wt%; capacity 180 mAh/g }',
      '}',
      'protocol cyc cycling { window 2.8 V .. 4.3 V; 1C = 180 mAh/g; cycles 1400 at 0.3 C }',
      'run cyc on full { data "cycling-1M.mpt" }',
      '',
    ].join('\n'));
    const bigHtml = path.join(tmp, 'big.html');
    const bigReport = report(path.join(tmp, 'big.cellspec'), bigHtml);
    const big = await timeToCharts(bigHtml, 5);
    const starts: number[] = [];
    for (let k = 0; k < 5; k++) starts.push(await serverStart());
    const loads = Array.from({ length: 5 }, clientLoad);

    console.log('\npreview benchmarks (headless Chromium, the self-contained report page: the same page as the panel)');
    console.log(`  example study: page open → ${example.charts} charts drawn: median ${median(example.times).toFixed(0)} ms (${example.times.map((x) => x.toFixed(0)).join(', ')}); goal < 1 s: ${median(example.times) < 1000 ? 'MET' : 'NOT MET'}`);
    console.log(`    building the model (cellspec report, new process, data read and analysed): ${exampleReport.toFixed(0)} ms`);
    console.log(`  1,000,000-point cycling file: page open → ${big.charts} charts drawn: median ${median(big.times).toFixed(0)} ms (${big.times.map((x) => x.toFixed(0)).join(', ')}); goal < 1 s: ${median(big.times) < 1000 ? 'MET' : 'NOT MET'}`);
    console.log(`    building the model (read 1,000,000 rows, cycling analysis, decimated series): ${bigReport.toFixed(0)} ms`);
    console.log(`  activation: loading dist/client.js ${median(loads).toFixed(0)} ms median, then the language server start (spawn → initialize answered) ${median(starts).toFixed(0)} ms median (${starts.map((x) => x.toFixed(0)).join(', ')})`);
    fs.writeFileSync(path.join(ROOT, 'out/bench-preview.json'), JSON.stringify({ example, exampleReport, big, bigReport, serverStart: starts, clientLoad: loads }, null, 2) + '\n');
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(() => process.exit(0), (e) => { console.error('bench (preview) failed:', e); process.exit(1); });
