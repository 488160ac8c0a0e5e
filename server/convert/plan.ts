// Which files `cellspec convert` reads and where each output goes. Files named on the command line
// are read as named; a folder is walked like a glob's `**` (the bounds of results/findFiles.ts,
// symlinks leading out of it refused) for the files with an instrument's extension. Outputs never
// replace an input: such a file is refused, as is a second input bound for the same output.
import * as fs from 'fs';
import * as path from 'path';
import { DATA_EXTENSIONS } from '../domain/dataFiles';
import { walkFolder } from '../results/findFiles';
import { makeRoots } from '../roots';

/** Files one folder may hold for conversion: an archive, not a run's glob. */
export const MAX_FILES_PER_FOLDER = 100_000;

export interface Job {
  /** The path as given or found (relative to the current folder when given so). */
  input: string;
  /** The file to write; undefined: standard output. */
  output?: string;
}

export interface PlanProblem { file: string; message: string }

export interface Plan {
  jobs: Job[];
  /** Inputs that cannot be converted (missing, not a file, would overwrite an input): exit 2. */
  problems: PlanProblem[];
  /** Warnings of the walk (bounds reached, links leading out). */
  warnings: PlanProblem[];
  /** A usage error: nothing is converted. */
  usage?: string;
}

export interface PlanOptions {
  output?: string;
  extension: '.csv' | '.parquet';
  /** Folders the walk may also follow symlinks into (--root). */
  extraRoots: string[];
}

interface Found { input: string; relative: string; fromFolder: boolean }

export async function planConversion(args: string[], opts: PlanOptions): Promise<Plan> {
  const plan: Plan = { jobs: [], problems: [], warnings: [] };
  const outputReal = opts.output ? realOrResolved(opts.output) : undefined;
  const found: Found[] = [];
  let folders = 0;
  for (const arg of args) {
    const st = statOf(arg);
    if (!st) { plan.problems.push({ file: arg, message: 'no such file or folder' }); continue; }
    if (st.isDirectory()) {
      folders++;
      found.push(...await filesInFolder(arg, opts, outputReal, plan));
    } else if (st.isFile()) found.push({ input: arg, relative: path.basename(arg), fromFolder: false });
    else plan.problems.push({ file: arg, message: `${st.isFIFO() ? 'a named pipe (FIFO)' : 'not a regular file'}, not a data file` });
  }
  // Several inputs make several outputs, even when some of them cannot be read.
  const several = args.length > 1 || folders > 0;
  const toFolder = !!opts.output && (several || /[\\/]$/.test(opts.output) || statOf(opts.output)?.isDirectory() === true);
  if (!opts.output) {
    if (opts.extension === '.parquet') plan.usage = '--parquet writes binary files: name the output with -o FILE (one input) or -o FOLDER';
    else if (several) plan.usage = 'several inputs (or a folder) make several tables: name an output folder with -o FOLDER';
  } else if (toFolder && statOf(opts.output) && !statOf(opts.output)!.isDirectory()) {
    plan.usage = `-o ${opts.output}: several outputs need a folder, and this is a file`;
  }
  if (plan.usage) return plan;
  assignOutputs(found, opts, toFolder, plan);
  return plan;
}

async function filesInFolder(folder: string, opts: PlanOptions, outputReal: string | undefined, plan: Plan): Promise<Found[]> {
  const real = realOrResolved(folder);
  const roots = makeRoots([real, ...opts.extraRoots], 'pass --root DIR to allow another folder');
  const walk = await walkFolder(real, roots, (rel) => DATA_EXTENSIONS.test(rel), MAX_FILES_PER_FOLDER);
  if (walk.stoppedAtFolders) plan.warnings.push({ file: folder, message: 'stopped after visiting 2000 folders: convert its subfolders one by one' });
  if (walk.stoppedAtMatches) plan.warnings.push({ file: folder, message: `holds more than ${MAX_FILES_PER_FOLDER} data files; only the first are converted` });
  if (walk.linksOut) plan.warnings.push({ file: folder, message: `${walk.linksOut} symlink(s) lead outside the folder and are left out; pass --root DIR to allow their target` });
  // An output folder inside the walked one holds an earlier run's outputs: no inputs. (Converted
  // into the folder itself, earlier outputs are inputs, and an input is never overwritten.)
  const skip = outputReal && outputReal !== real && outputReal.startsWith(real + path.sep) ? outputReal + path.sep : undefined;
  return walk.files
    .filter((f) => !skip || !(f + path.sep).startsWith(skip))
    .sort((a, b) => a.localeCompare(b, undefined, { numeric: true }))
    .map((f) => ({ input: path.join(folder, path.relative(real, f)), relative: path.relative(real, f), fromFolder: true }));
}

function assignOutputs(found: Found[], opts: PlanOptions, toFolder: boolean, plan: Plan): void {
  const inputs = found.map((f) => identity(f.input));
  const claimed = new Map<string, string>();
  for (const f of found) {
    const output = !opts.output ? undefined : toFolder ? path.join(opts.output, f.relative + opts.extension) : opts.output;
    if (output !== undefined) {
      const id = identity(output);
      if (inputs.some((i) => sameIdentity(i, id))) { plan.problems.push({ file: f.input, message: `refusing to write ${output}: it is an input` }); continue; }
      const key = path.resolve(output);
      const first = claimed.get(key);
      if (first) { plan.problems.push({ file: f.input, message: `its output ${output} is already that of ${first}; convert them to different folders` }); continue; }
      claimed.set(key, f.input);
    }
    plan.jobs.push({ input: f.input, output });
  }
}

interface Identity { resolved: string; dev?: number; ino?: number }

function identity(p: string): Identity {
  const st = statOf(p);
  return { resolved: realOrResolved(p), dev: st?.dev, ino: st?.ino };
}

/** The same file: one real path, or (hard links, case-insensitive file systems) one inode. */
function sameIdentity(a: Identity, b: Identity): boolean {
  return a.resolved === b.resolved || (a.ino !== undefined && a.dev === b.dev && a.ino === b.ino);
}

function statOf(p: string): fs.Stats | undefined {
  try { return fs.statSync(p); } catch { return undefined; }
}

function realOrResolved(p: string): string {
  try { return fs.realpathSync.native(p); } catch { return path.resolve(p); }
}
