// One conversion: read the instrument file, map it to Battery Data Format columns, write CSV or
// Parquet. Outputs are written to a temporary file beside the target and renamed into place, so
// a failed or interrupted conversion never leaves half a table under the output's name.
import * as fs from 'fs';
import * as path from 'path';
import { BDF_IRI } from '../readers/bdfTerms';
import { DataError, DataProblem, DataTable, FormatId, readDataFile } from '../readers';
import { bdfTable, BdfTable } from './bdf';
import { csvChunks } from './csv';
import { parquetBytes } from './parquet';
import type { Job } from './plan';

export interface ConvertOptions {
  parquet: boolean;
  /** Read as this format instead of detecting it. */
  format?: FormatId;
  /** Keep the columns no Battery Data Format term fits (default). */
  instrumentColumns: boolean;
}

export type ConvertResult =
  | { ok: true; input: string; output?: string; rows: number; columns: string[]; terms: number; bytesIn: number; bytesOut: number; problems: DataProblem[]; notes: string[] }
  | { ok: false; input: string; line: number; message: string };

/** Where standard output's text goes (the CLI waits for the pipe to drain). */
export type TextSink = (chunk: string) => Promise<void>;

export async function convertFile(job: Job, opts: ConvertOptions, stdout?: TextSink): Promise<ConvertResult> {
  let table: DataTable;
  try {
    table = await readDataFile(job.input, { format: opts.format });
  } catch (e) {
    if (e instanceof DataError) return { ok: false, input: job.input, line: e.line, message: e.message };
    return { ok: false, input: job.input, line: 0, message: `could not read the file: ${(e as Error).message}` };
  }
  const bdf = bdfTable(table, { instrumentColumns: opts.instrumentColumns });
  let bytesOut: number;
  try {
    bytesOut = job.output === undefined ? await writeStdout(bdf, stdout!) : writeOutput(job.output, bdf, table, opts);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { ok: false, input: job.input, line: 0, message: `cannot write ${job.output ?? 'the output'} (${code ?? (e as Error).message})` };
  }
  return {
    ok: true, input: job.input, output: job.output, rows: bdf.rows, columns: bdf.columns.map((c) => c.name),
    terms: bdf.columns.filter((c) => c.term).length, bytesIn: fileSize(job.input), bytesOut, problems: table.problems, notes: bdf.notes,
  };
}

async function writeStdout(bdf: BdfTable, sink: TextSink): Promise<number> {
  let bytes = 0;
  for (const chunk of csvChunks(bdf)) {
    bytes += Buffer.byteLength(chunk);
    await sink(chunk);
  }
  return bytes;
}

function writeOutput(output: string, bdf: BdfTable, table: DataTable, opts: ConvertOptions): number {
  fs.mkdirSync(path.dirname(path.resolve(output)), { recursive: true });
  const temp = path.join(path.dirname(path.resolve(output)), `.${path.basename(output)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  let bytes = 0;
  try {
    if (opts.parquet) {
      const data = parquetBytes(bdf, facts(table));
      fs.writeFileSync(temp, data);
      bytes = data.byteLength;
    } else {
      const fd = fs.openSync(temp, 'w');
      try {
        for (const chunk of csvChunks(bdf)) bytes += fs.writeSync(fd, chunk);
      } finally {
        fs.closeSync(fd);
      }
    }
    fs.renameSync(temp, output);
  } catch (e) {
    fs.rmSync(temp, { force: true });
    throw e;
  }
  return bytes;
}

/** What the Parquet file says about itself. */
function facts(table: DataTable): Record<string, string> {
  const out: Record<string, string> = {
    'cellspec.source': path.basename(table.file),
    'cellspec.format': table.format,
    'cellspec.ontology': BDF_IRI,
  };
  if (table.technique) out['cellspec.technique'] = table.technique;
  const zone = table.meta['Time zone'] ?? table.meta.timeZone;
  if (zone) out['cellspec.timeZone'] = zone;
  return out;
}

function fileSize(p: string): number {
  try { return fs.statSync(p).size; } catch { return 0; }
}
