// One ingest of one data file in a fresh process, so its peak memory is its own.
// Prints JSON: rows, milliseconds, resident-set peak, and the resident set just before the read
// (the peak less that is what the read itself took). An optional second argument lists the
// column kinds to read (comma-separated), as a protocol's run would ask.
import * as fs from 'fs';
import { ColumnKind, readDataFile } from '../server/readers';

/**
 * The peak resident memory of this process. Linux's VmHWM belongs to this address space alone;
 * getrusage's maxRSS would include the parent's memory at the fork that started this process.
 */
function peakRssKiB(): number {
  return statusKiB('VmHWM') ?? process.resourceUsage().maxRSS;
}

/** A memory figure of /proc/self/status (Linux), in KiB. */
function statusKiB(field: 'VmHWM' | 'VmRSS'): number | undefined {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(fs.readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]);
  } catch { /* not Linux */ }
  return undefined;
}

async function main() {
  const file = process.argv[2];
  const kinds = process.argv[3] ? (process.argv[3].split(',') as ColumnKind[]) : undefined;
  const rssBeforeKiB = statusKiB('VmRSS') ?? process.memoryUsage().rss / 1024;
  const t = process.hrtime.bigint();
  const table = await readDataFile(file, { kinds });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  console.log(JSON.stringify({ rows: table.rows, ms, maxRssKiB: peakRssKiB(), rssBeforeKiB, columns: table.columns.map((c) => c.name) }));
}
main().catch((e) => { console.error(e); process.exit(1); });
