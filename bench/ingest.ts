// One ingest of one data file in a fresh process, so its peak memory is its own.
// Prints JSON: rows, milliseconds, resident-set peak.
import * as fs from 'fs';
import { readDataFile } from '../server/readers';

/**
 * The peak resident memory of this process. Linux's VmHWM belongs to this address space alone;
 * getrusage's maxRSS would include the parent's memory at the fork that started this process.
 */
function peakRssKiB(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]);
  } catch { /* not Linux */ }
  return process.resourceUsage().maxRSS;
}

async function main() {
  const file = process.argv[2];
  const t = process.hrtime.bigint();
  const table = await readDataFile(file);
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  console.log(JSON.stringify({ rows: table.rows, ms, maxRssKiB: peakRssKiB(), columns: table.columns.map((c) => c.name) }));
}
main().catch((e) => { console.error(e); process.exit(1); });
