// What every command gets: the engine's workspace (confined to the allowed folders), the study
// session, the parsed options, and where to print.
import * as path from 'path';
import { URI } from 'vscode-uri';
import { Diagnostic } from '../engine/syntax';
import { SpecAnalysis } from '../engine/specAnalysis';
import { Workspace } from '../engine/workspace';
import { Roots } from '../roots';
import { RunOutcome, StudySession } from '../results/study';

export type Out = (s: string) => void;

/** Text for standard output as data (a converted table): resolves when the pipe can take more. */
export type TextSink = (chunk: string) => Promise<void>;

export interface Context {
  ws: Workspace;
  study: StudySession;
  /** Boolean flags given (--json, --no-data, ...) and option values (--root, -o). */
  flags: Set<string>;
  values: { output?: string; roots: string[]; format?: string; jobs?: string; cache?: string };
  /** The folders the specs' data may be read from: theirs and those given with --root. */
  allowed: Roots;
  positionals: string[];
  plausibility: boolean;
  out: Out;
  /** Messages while standard output carries data (standard error). */
  err: Out;
  /** Standard output as a byte stream, for data. */
  data: TextSink;
}

/** The CLI analyses each spec once, in process: version 0 of every document. */
export const VERSION = 0;

/** Engine diagnostics plus, unless turned off, the problems of the runs' data files. */
export async function withData(ctx: Context, a: SpecAnalysis, data: boolean): Promise<{ diagnostics: Diagnostic[]; outcomes: RunOutcome[] }> {
  if (data) await ctx.study.refresh(a, VERSION);
  return { diagnostics: ctx.study.diagnostics(a, VERSION), outcomes: ctx.study.outcomes(a.file.uri, VERSION) ?? [] };
}

/** "file:line:col: severity code: message", sorted by place, the way compilers print problems. */
export function printDiagnostics(ctx: Context, a: SpecAnalysis, shown: string, diagnostics: Diagnostic[], severities: Diagnostic['severity'][]): void {
  for (const d of [...diagnostics].sort((x, y) => x.start - y.start).filter((x) => severities.includes(x.severity))) {
    const p = a.file.lines.position(d.start);
    ctx.out(`${shown}:${p.line + 1}:${p.character + 1}: ${d.severity} ${d.code}: ${d.message}`);
  }
}

export const count = (diagnostics: Diagnostic[], severity: Diagnostic['severity']): number => diagnostics.filter((d) => d.severity === severity).length;

export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** A spec's path as the user reads it: relative to the current folder when inside it. */
export const shownPath = (a: SpecAnalysis, given: string): string => path.relative(process.cwd(), URI.parse(a.file.uri).fsPath) || given;
