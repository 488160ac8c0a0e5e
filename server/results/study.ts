// The front door of the data side. A study session owns the runner that reads and analyses the
// runs' data files (a worker thread in the language server, in process for the CLI) and the
// results of each document, stamped with the document version they belong to. It answers the
// questions the edges ask, spec and data together: diagnostics, hover at an offset, hints in a
// range, the preview model, and whether data results are still to come. The server, the CLI, the
// report and the benchmark all go through it; nothing else zips jobs with results.
import * as path from 'path';
import { URI } from 'vscode-uri';
import type { PreviewModel } from '../../protocol/preview';
import { Span } from '../engine/lexer';
import { SpecAnalysis } from '../engine/specAnalysis';
import { Diagnostic } from '../engine/syntax';
import { hover as specHover } from '../features/hover';
import { InlayHint, inlayHints as specHints, mergeHints } from '../features/inlayHints';
import { dataDiagnostics } from './diagnostics';
import { buildHover, circuitHover, dataHints, dataHover, foldBelow, noHtml } from './editorViews';
import { BuildResults, buildResults } from './builds';
import { executeJobs, RunResult } from './execute';
import { AnalysisSettings, buildJobs, RunJob } from './jobs';
import { buildPreviewModel } from './preview';
import { makeRoots, Roots } from '../roots';

/** A run's job and its result, always together. */
export interface RunOutcome { job: RunJob; result: RunResult }

/** Reads and analyses jobs; `undefined` when a newer request for the same key replaced this one. */
export interface DataRunner {
  run(key: string, jobs: RunJob[]): Promise<RunResult[] | undefined>;
  /** Stop the key's request (its run() resolves to undefined); a runner that cannot stop one lets it finish. */
  cancel?(key: string): void;
  dispose(): void;
}

/** Runs the jobs in this thread, one after another (the CLI, the report, tests). */
export const inProcessRunner: DataRunner = { run: (_key, jobs) => executeJobs(jobs), dispose: () => undefined };

export interface StudyOptions {
  /** Whether data files may be read (VS Code's workspace trust); the plan is checked either way. */
  trusted?: boolean;
  /** The folders a spec's data files may be read from; by default the spec's own folder. */
  rootsFor?: (specPath: string) => Roots;
  /** The user's analysis thresholds (the analyses' defaults where absent). */
  analysis?: AnalysisSettings;
  /** Fold the details of a run's hover in <details> (the client renders HTML); else after a rule. */
  foldedHovers?: boolean;
}

/** The CLI's rule without --root: a spec reads data from its own folder and below. */
export const specFolderRoots = (specPath: string): Roots => makeRoots([path.dirname(specPath)], 'pass --root DIR to allow another folder');

interface DocumentData { version: number; outcomes: RunOutcome[]; builds?: { of: SpecAnalysis; results: BuildResults } }

export class StudySession {
  private data = new Map<string, DocumentData>();
  /** How many times each document was forgotten (closed): a refresh begun before that keeps nothing. */
  private forgotten = new Map<string, number>();
  private trusted: boolean;
  private rootsFor: (specPath: string) => Roots;
  private analysis: AnalysisSettings;
  private foldedHovers: boolean;

  constructor(private runner: DataRunner = inProcessRunner, options: StudyOptions = {}) {
    this.trusted = options.trusted ?? true;
    this.rootsFor = options.rootsFor ?? specFolderRoots;
    this.analysis = options.analysis ?? {};
    this.foldedHovers = options.foldedHovers ?? false;
  }

  setFoldedHovers(folded: boolean): void { this.foldedHovers = folded; }

  setTrusted(trusted: boolean): void { this.trusted = trusted; }

  /** New thresholds apply from the next refresh (the caller refreshes the open documents). */
  setAnalysisSettings(analysis: AnalysisSettings): void { this.analysis = analysis; }

  /** The data jobs of a spec: its runs that name data files (none for untitled documents). */
  jobsOf(a: SpecAnalysis): RunJob[] {
    if (!a.file.uri.startsWith('file:')) return [];
    const specPath = URI.parse(a.file.uri).fsPath;
    return buildJobs(a, path.dirname(specPath), this.rootsFor(specPath), this.analysis);
  }

  /**
   * Read and analyse the data of this version of the spec. Resolves to `false` when there was
   * nothing to do, when the data may not be read, or when a newer request replaced this one.
   */
  async refresh(a: SpecAnalysis, version: number): Promise<boolean> {
    const uri = a.file.uri;
    if (!this.trusted) return false;
    const jobs = this.jobsOf(a);
    if (!jobs.length) return this.data.delete(uri);
    const forgotten = this.forgotten.get(uri) ?? 0;
    const results = await this.runner.run(uri, jobs);
    // A document closed while its data were read keeps nothing (reopened, it may start again at the same version).
    if (!results || (this.forgotten.get(uri) ?? 0) !== forgotten) return false;
    this.data.set(uri, { version, outcomes: jobs.map((job, k) => ({ job, result: results[k] })).filter((o) => o.result) });
    return true;
  }

  /** The data outcomes of this version of the document, if they are current. */
  outcomes(uri: string, version: number): RunOutcome[] | undefined {
    const d = this.data.get(uri);
    return d && d.version === version ? d.outcomes : undefined;
  }

  /** The results per build and the comparisons of this version (computed once per analysis). */
  builds(a: SpecAnalysis, version: number): BuildResults {
    const d = this.data.get(a.file.uri);
    if (!d || d.version !== version) return { builds: [], comparisons: [] };
    if (d.builds?.of !== a) d.builds = { of: a, results: buildResults(a, d.outcomes) };
    return d.builds.results;
  }

  /** Data results are still to come for this version (its runs name data files that may be read). */
  pending(a: SpecAnalysis, version: number): boolean {
    return this.trusted && !this.outcomes(a.file.uri, version) && this.jobsOf(a).length > 0;
  }

  /** The spec's diagnostics, then those of its runs' data. */
  diagnostics(a: SpecAnalysis, version: number): Diagnostic[] {
    const outcomes = this.outcomes(a.file.uri, version);
    return outcomes?.length ? [...a.diagnostics, ...outcomes.flatMap(dataDiagnostics)] : a.diagnostics;
  }

  /**
   * Hover at an offset. On a run with data: its results' summary table first, then (folded) how
   * they were found and what the spec says there; elsewhere the spec's, then a fitted circuit's.
   */
  hover(a: SpecAnalysis, version: number, offset: number): { markdown: string; span: Span } | undefined {
    const outcomes = this.outcomes(a.file.uri, version) ?? [];
    const own = specHover(a, offset);
    const run = dataHover(outcomes, offset);
    if (run) return { markdown: foldBelow(run.summary, [run.details, own?.markdown ?? ''], this.foldedHovers), span: own?.span ?? run.span };
    const data = circuitHover(outcomes, offset) ?? buildHover(a, this.builds(a, version), offset);
    const markdown = [own?.markdown, data?.markdown].filter(Boolean).join('\n\n---\n\n');
    const span = own?.span ?? data?.span;
    return markdown && span ? { markdown: this.foldedHovers ? noHtml(markdown) : markdown, span } : undefined;
  }

  /** Inlay hints in a range: derived values of the plan and the runs' results, in text order. */
  hints(a: SpecAnalysis, version: number, range: Span): InlayHint[] {
    const data = dataHints(this.outcomes(a.file.uri, version) ?? []).filter((h) => range.start <= h.offset && h.offset <= range.end);
    // A run's measured results and its predictions share its header: one hint, the results first.
    const at = new Map<number, InlayHint[]>();
    for (const h of [...data, ...specHints(a, range)]) at.set(h.offset, [...(at.get(h.offset) ?? []), h]);
    return [...at.values()].map((hs) => (hs.length > 1 ? mergeHints(hs) : hs[0])).sort((x, y) => x.offset - y.offset);
  }

  /** Everything the preview draws for this version of the spec. */
  previewModel(a: SpecAnalysis, version: number): PreviewModel {
    return buildPreviewModel({
      analysis: a, version, diagnostics: this.diagnostics(a, version), outcomes: this.outcomes(a.file.uri, version) ?? [], dataPending: this.pending(a, version),
      builds: this.builds(a, version),
    });
  }

  /** The document was closed: its results are dropped. */
  forget(uri: string): void {
    this.runner.cancel?.(uri);
    this.data.delete(uri);
    this.forgotten.set(uri, (this.forgotten.get(uri) ?? 0) + 1);
  }

  /** Whether any data results are held for the document (a data file change should refresh it). */
  holds(uri: string): boolean { return this.data.has(uri); }

  dispose(): void { this.runner.dispose(); }
}
