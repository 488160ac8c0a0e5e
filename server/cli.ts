// The command line: the same engine as the language server, without LSP. One file per command in
// cli/; this file reads the arguments, prints each command's help, and sets what may be read.
//   cellspec check <files>     problems as file:line:col: severity code: message (data included)
//   cellspec analyze <specs|folders>  every computed result; --json (one spec), --ndjson (a line per run)
//   cellspec report <spec> -o report.html   the preview page as one self-contained HTML file
//   cellspec convert <files|folders>        instrument files as Battery Data Format CSV or Parquet
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs, ParseArgsConfig } from 'util';
import { Workspace } from './engine/workspace';
import { analyze } from './cli/analyze';
import { check } from './cli/check';
import { Context, Out, TextSink } from './cli/context';
import { convert } from './cli/convert';
import { report } from './cli/report';
import { DATA_FORMATS } from './engine/schema';
import { confinedFileSystem } from './nodeFileSystem';
import { shippedLibrary } from './library/shipped';
import { StudySession } from './results/study';
import { makeRoots } from './roots';

interface Command {
  summary: string;
  usage: string;
  details: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /** How many files it takes. */
  specs: 'one' | 'many';
  /** What it takes, for messages ("a spec file"). */
  operand?: string;
  run(ctx: Context): Promise<number>;
}

const ROOT_OPTION = { root: { type: 'string', multiple: true } } as const;
const ROOT_HELP = `  --root DIR         also read imports and data files under DIR (repeatable); by default only
                     the folder of each spec given and its subfolders are read`;
const CACHE_HELP = `  --cache DIR        keep the tables read in DIR (Arrow IPC, at most 2 GiB, least recently used
                     go first): a second run loads them instead of parsing the files again`;
const CACHE_OPTION = { cache: { type: 'string' } } as const;
const EXIT_CODES = 'exit codes: 0 no errors, 1 errors found (in the spec or its data), 2 usage error or unreadable file';

/** "a, b, c" over lines of at most `width` characters, each indented by `indent` spaces. */
function wrapList(words: readonly string[], indent: number, width: number): string {
  const lines: string[] = [];
  let line = '';
  for (const [i, w] of words.entries()) {
    const word = i < words.length - 1 ? `${w},` : w;
    if (line && indent + line.length + 1 + word.length > width) { lines.push(line); line = word; } else line = line ? `${line} ${word}` : word;
  }
  lines.push(line);
  return lines.map((l) => ' '.repeat(indent) + l).join('\n');
}

const COMMANDS: Record<string, Command> = {
  check: {
    summary: 'check specs and the data files their runs name',
    usage: 'cellspec check [--json] [--no-data] [--no-plausibility] [--root DIR]... <file.cellspec>...',
    details: `Prints every problem as file:line:col: severity code: message, then a count.
  --json             the problems as one JSON array
  --no-data          check the plans only; read no data file
  --no-plausibility  no warnings about implausible values (pressures, thicknesses, ...)
${ROOT_HELP}`,
    options: { json: { type: 'boolean' }, 'no-data': { type: 'boolean' }, 'no-plausibility': { type: 'boolean' }, ...ROOT_OPTION },
    specs: 'many',
    run: check,
  },
  analyze: {
    summary: "read the runs' data files and print every computed result",
    usage: 'cellspec analyze [--json | --ndjson] [--points] [--jobs N] [--cache DIR] [--no-plausibility] [--root DIR]... <file.cellspec|folder>...',
    details: `Prints each run's results with their units, the errors and warnings of the spec and its data.
Several specs, or folders (searched, subfolders too, for .cellspec files), are analysed together:
their runs are read and analysed over one worker per core, a progress bar on a terminal.
  --json             the JSON document described by docs/analyze.schema.json (one spec)
  --ndjson           one JSON line per run ({"record":"run","spec",...} as in the document's
                     runs), then one per spec ({"record":"spec", diagnostics, derived, runs})
  --points           with --json or --ndjson: the plotted series too
  --jobs N           N workers (default: one per core; 1 analyses in this process)
${CACHE_HELP}
  --no-plausibility  no warnings about implausible values
${ROOT_HELP}`,
    options: { json: { type: 'boolean' }, ndjson: { type: 'boolean' }, points: { type: 'boolean' }, jobs: { type: 'string' }, 'no-plausibility': { type: 'boolean' }, ...CACHE_OPTION, ...ROOT_OPTION },
    specs: 'many',
    run: analyze,
  },
  report: {
    summary: 'write the preview (charts, results, predictions, problems) as one HTML file',
    usage: 'cellspec report [--no-plausibility] [--root DIR]... <file.cellspec> -o <report.html>',
    details: `Analyses like analyze and writes one self-contained HTML file that opens offline in any
browser; writes nothing else.
  -o, --output FILE  the HTML file to write (required; never a .cellspec file)
  --no-plausibility  no warnings about implausible values
${ROOT_HELP}`,
    options: { output: { type: 'string', short: 'o' }, 'no-plausibility': { type: 'boolean' }, ...ROOT_OPTION },
    specs: 'one',
    run: report,
  },
  convert: {
    summary: 'write instrument files as Battery Data Format tables (CSV, or Parquet for an archive)',
    usage: 'cellspec convert [--parquet] [-o OUT] [--format F] [--bdf-only] [--json] [--jobs N] [--root DIR]... <file|folder>...',
    details: `Writes each data file as one table: a header row of Battery Data Format column names
(test_time_second, voltage_volt, current_ampere, ...), values in the terms' units, one row per
data point in file order; columns no term fits follow, named as the instrument names them.
A folder is searched (subfolders too) for instrument files (.mpt .mpr .csv .txt .res .nda .ndax
.xlsx .DTA .z, Maccor's numbered files). See docs/convert.md.
  -o, --output OUT   one input: the file to write (standard output without -o, CSV only);
                     several inputs or a folder: the folder to write into, each output named
                     after its input (cell.mpr -> OUT/cell.mpr.csv, subfolders kept)
  --parquet          write Parquet (.parquet) instead of CSV; needs -o
  --format F         read every input as this format, one of the spec's format names:
${wrapList(DATA_FORMATS, 21, 90)}
  --bdf-only         leave out the columns that are no Battery Data Format term
  --json             one JSON line per file (input, output, rows, columns, problems) for scripts
  --jobs N           convert N files at a time (default: one per core)
  --root DIR         also follow symlinks in folders into DIR (repeatable)`,
    options: {
      output: { type: 'string', short: 'o' }, parquet: { type: 'boolean' }, format: { type: 'string' }, 'bdf-only': { type: 'boolean' },
      json: { type: 'boolean' }, jobs: { type: 'string' }, ...ROOT_OPTION,
    },
    specs: 'many',
    operand: 'a data file or folder',
    run: convert,
  },
};

function overview(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return [
    'usage: cellspec <command> [options] <file.cellspec>...',
    '',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    "cellspec <command> --help prints a command's options.",
    EXIT_CODES,
  ].join('\n');
}

const help = (c: Command): string => `usage: ${c.usage}\n${c.details}\n${EXIT_CODES}`;

/** Stdout closed early (`cellspec analyze --json | head`): stop quietly, as Unix tools do. */
let pipeClosed = false;
function guardStdout(): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    pipeClosed = true;
    // 128 + SIGPIPE, the status a tool killed by the closed pipe has.
    process.exit(141);
  });
}
const stdout: Out = (s) => { if (!pipeClosed) process.stdout.write(s + '\n'); };
const stderr: Out = (s) => { process.stderr.write(s + '\n'); };
/** Data on standard output, waiting for the pipe to drain (a million rows into `head` or a file). */
const stdoutData: TextSink = (s) => new Promise((resolve) => {
  if (pipeClosed || process.stdout.write(s)) resolve();
  else process.stdout.once('drain', resolve);
});

/** `out` prints messages; with the default, data goes to standard output and messages beside it to standard error. */
export async function main(argv: string[], out: Out = stdout, io: { err?: Out; data?: TextSink } = {}): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? COMMANDS[args[0]] : undefined;
    out(topic ? help(topic) : overview());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) { out(`unknown command '${name}'\n${overview()}`); return 2; }
  if (args.includes('--help') || args.includes('-h')) { out(help(command)); return 0; }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args, options: command.options, allowPositionals: true, strict: true });
  } catch (e) {
    out(`${usageError(e as Error)}\n${help(command)}`);
    return 2;
  }
  const values = parsed.values as Record<string, string | boolean | string[] | undefined>;
  const positionals = parsed.positionals;
  const operand = command.operand ?? 'a spec file';
  if (!positionals.length) { out(`${name} needs ${operand}\n${help(command)}`); return 2; }
  if (command.specs === 'one' && positionals.length > 1) { out(`${name} takes one spec file, not ${positionals.length}\n${help(command)}`); return 2; }
  if (name === 'report' && !values.output) { out(`report needs an output file: -o <report.html>\n${help(command)}`); return 2; }
  const extra = ((values.root as string[] | undefined) ?? []).map((r) => path.resolve(r));
  const roots = makeRoots([...positionals.map(folderOf), ...extra], 'pass --root DIR to allow another folder');
  const ctx: Context = {
    ws: new Workspace(confinedFileSystem(() => roots), shippedLibrary()),
    study: new StudySession(undefined, { rootsFor: () => roots }),
    flags: new Set(Object.entries(values).filter(([, v]) => v === true).map(([k]) => `--${k}`)),
    values: { output: values.output as string | undefined, roots: extra, format: values.format as string | undefined, jobs: values.jobs as string | undefined, cache: values.cache as string | undefined },
    allowed: roots,
    positionals,
    plausibility: values['no-plausibility'] !== true,
    out,
    err: io.err ?? (out === stdout ? stderr : out),
    data: io.data ?? (out === stdout ? stdoutData : async (s) => out(s.replace(/\n$/, ''))),
  };
  return command.run(ctx);
}

/** The folder an operand allows: a folder itself, a file's own folder. */
function folderOf(p: string): string {
  const abs = path.resolve(p);
  try { if (fs.statSync(abs).isDirectory()) return abs; } catch { /* a missing file: its folder */ }
  return path.dirname(abs);
}

/** parseArgs' errors, said in this tool's words. */
function usageError(e: Error): string {
  const code = (e as NodeJS.ErrnoException).code;
  const option = /'([^']+)'/.exec(e.message)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown option ${option ?? e.message}`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') return `option ${option?.replace(/ <value>$/, '') ?? ''} needs a value`.replace(/\s+needs/, ' needs');
  return e.message;
}

if (require.main === module) {
  guardStdout();
  void main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
}

export { guardStdout };
