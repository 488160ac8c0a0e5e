// One ingest of one data file in a fresh process, so its peak memory is its own.
// Prints JSON: rows, milliseconds, resident-set peak.
import { readDataFile } from '../server/readers';

async function main() {
  const file = process.argv[2];
  const t = process.hrtime.bigint();
  const table = await readDataFile(file);
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  console.log(JSON.stringify({ rows: table.rows, ms, maxRssKiB: process.resourceUsage().maxRSS, columns: table.columns.map((c) => c.name) }));
}
main().catch((e) => { console.error(e); process.exit(1); });
