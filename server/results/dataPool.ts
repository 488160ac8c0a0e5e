// Worker threads that read and analyse data files, so the caller never waits on a large file: one
// for the language server, one per core for `cellspec analyze` over a lab's archive. A request's
// jobs (runs) are queued one by one and each worker holds up to two (the one it works on and the
// next), so a study of many runs keeps every worker busy; per key (document), the latest request wins: the older one resolves to
// undefined, its queued jobs are dropped and those in flight aborted.
// A watchdog guards each job: a reader caught in a loop on a damaged file (synchronous code that
// no abort reaches) would otherwise hold its worker, and with it every later analysis, for ever.
// A job past its limit, or one that does not stop within a grace after its abort, has its worker
// terminated (a new one starts) and comes back as an error on the run; the other job that worker
// held is queued again. A worker that crashes (out of memory on a huge file, say) blames no run by
// guess: each run it held is tried again alone, and one that crashes its worker alone comes back as
// an error on its data reference; the request's other runs are answered as ever.
import * as fs from 'fs';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { RunJob } from './jobs';
import { emptyResult, RunResult } from './execute';
import type { DataRunner } from './study';

interface Request {
  key: string;
  jobs: RunJob[];
  /** Indices of the jobs not yet given to a worker. */
  queued: number[];
  results: RunResult[];
  left: number;
  /** Indices of the jobs that were in a worker when it crashed: each goes into a worker alone. */
  suspects: Set<number>;
  resolve: (r: RunResult[] | undefined) => void;
  /** Called as each job's result arrives (the CLI's progress bar). */
  onResult?: (index: number) => void;
}

interface Task { request: Request; index: number; job: RunJob }

interface Running { id: number; task: Task; watchdog?: NodeJS.Timeout }

/** A worker and the tasks it holds (at most TASKS_PER_WORKER), oldest first. */
interface Slot { worker: Worker; tasks: Running[] }

/**
 * Tasks a worker holds at once. One more than it works on: the next run is already in the
 * worker when the current one ends, so it does not wait for this thread (busy printing a report,
 * or analysing a spec) to hand it over, and the two interleave while either waits on a file.
 */
const TASKS_PER_WORKER = 2;

export interface PoolLimits {
  /** How long one run's reading and analysis may take (ms). */
  jobMs: number;
  /** How long an aborted run may take to stop (ms). */
  abortGraceMs: number;
}

/**
 * Generous: the bench's heaviest single run (1,000,000 rows read and cycled) takes about 2 s, a
 * 2 GiB export about 20 s to read; five minutes is over ten times either.
 */
export const DEFAULT_LIMITS: PoolLimits = { jobMs: 5 * 60_000, abortGraceMs: 10_000 };

export interface PoolOptions {
  limits?: PoolLimits;
  /**
   * Which request's jobs go first: 'turns' (the default, the editor's: requests take turns, so a
   * large study does not hold a small one back) or 'arrival' (the CLI's: the oldest request's jobs
   * first, so its report is printed while the next spec's runs are analysed, instead of every spec
   * finishing together at the end while the workers wait for the printing to hand them more).
   */
  order?: 'turns' | 'arrival';
  /** The worker's file (tests: one that crashes on purpose); by default dataWorker.js beside this bundle. */
  workerFile?: string;
}

export class DataWorkerPool implements DataRunner {
  private slots: Slot[] = [];
  private requests = new Map<string, Request>();
  private nextId = 1;
  /** Whose turn it is (order 'turns'). */
  private turn = 0;
  private readonly limits: PoolLimits;
  private readonly order: 'turns' | 'arrival';
  private readonly workerFile?: string;

  /** `threads` workers at most, started when first needed; `cacheDir`: their tables also cached on disk there. */
  constructor(private log: (message: string) => void, private readonly threads = 1, private cacheDir?: string, options: PoolOptions = {}) {
    this.limits = options.limits ?? DEFAULT_LIMITS;
    this.order = options.order ?? 'turns';
    this.workerFile = options.workerFile;
  }

  /**
   * Start the first worker now, before any job, so that its start (a thread, its bundle loaded:
   * tens of ms) overlaps the caller's own work instead of following it. Idle, it holds nothing up.
   */
  prestart(): void {
    if (!this.slots.length && this.threads > 0) this.startWorker();
  }

  /** Cache tables on disk in this folder from now on (the workers running and those to come). */
  setCacheDir(dir: string | undefined): void {
    this.cacheDir = dir;
    for (const s of this.slots) s.worker.postMessage({ cacheDir: dir ?? null });
  }

  /** Results of the jobs, or undefined when a newer request for the same key (document) replaced this one. */
  run(key: string, jobs: RunJob[], onResult?: (index: number) => void): Promise<RunResult[] | undefined> {
    this.cancel(key);
    if (!jobs.length) return Promise.resolve([]);
    return new Promise((resolve) => {
      const queued = jobs.map((_, index) => index);
      this.requests.set(key, { key, jobs, queued, results: new Array(jobs.length), left: jobs.length, suspects: new Set(), resolve, onResult });
      this.pump();
    });
  }

  dispose() {
    for (const key of [...this.requests.keys()]) this.cancel(key);
    for (const s of this.slots) void s.worker.terminate();
    this.slots = [];
  }

  /** The older request of this key resolves to undefined; its queued jobs go, those running are aborted. */
  cancel(key: string): void {
    const old = this.requests.get(key);
    if (!old) return;
    this.requests.delete(key);
    for (const s of this.slots) {
      for (const r of s.tasks) {
        if (r.task.request !== old) continue;
        s.worker.postMessage({ abort: taskKey(r.id) });
        this.watch(s, r, this.limits.abortGraceMs, `did not stop within ${describeMs(this.limits.abortGraceMs)} of being aborted`);
      }
    }
    old.resolve(undefined);
  }

  /**
   * Give the next queued jobs to the workers: an idle worker first (starting workers up to
   * `threads`), then a second to each busy one. A suspect waits for an idle worker, and nothing
   * joins it there.
   */
  private pump(): void {
    for (;;) {
      const waiting = [...this.requests.values()].filter((r) => r.queued.length);
      if (!waiting.length) return;
      // (A Map keeps insertion order: waiting[0] is the oldest request.)
      const request = this.order === 'turns' ? waiting[this.turn % waiting.length] : waiting[0];
      const index = request.queued[0];
      const slot = this.slotFor(request.suspects.has(index));
      if (!slot) return;
      this.turn++;
      request.queued.shift();
      this.dispatch(slot, { request, index, job: request.jobs[index] });
    }
  }

  /** A worker to take a task: an idle one (started if there is room), else for a task not suspect a busy one with room that holds no suspect. */
  private slotFor(suspect: boolean): Slot | undefined {
    const idle = this.slots.find((s) => !s.tasks.length) ?? (this.slots.length < this.threads ? this.startWorker() : undefined);
    if (idle || suspect) return idle;
    return this.slots.find((s) => s.tasks.length < TASKS_PER_WORKER && !s.tasks.some((r) => r.task.request.suspects.has(r.task.index)));
  }

  private dispatch(slot: Slot, task: Task): void {
    const running: Running = { id: this.nextId++, task };
    slot.tasks.push(running);
    this.watch(slot, running, this.limits.jobMs, `took longer than ${describeMs(this.limits.jobMs)}`);
    // A busy worker keeps the process alive (the CLI awaits it); an idle one does not.
    slot.worker.ref();
    slot.worker.postMessage({ id: running.id, key: taskKey(running.id), jobs: [task.job] });
  }

  /** (Re)arm a task's watchdog: past `ms`, the task is stopped as stuck. */
  private watch(slot: Slot, running: Running, ms: number, why: string): void {
    clearTimeout(running.watchdog);
    running.watchdog = setTimeout(() => this.stuck(slot, running.id, why), ms);
    running.watchdog.unref();
  }

  /**
   * A task that overran: its worker is terminated and the run answered with an error saying so;
   * the other task the worker held goes back to the front of its queue, for another worker.
   */
  private stuck(slot: Slot, id: number, why: string): void {
    const running = slot.tasks.find((r) => r.id === id);
    if (!running || !this.slots.includes(slot)) return;
    const { job } = running.task;
    this.log(`cellspec: data worker stopped: run ${job.run} ${why}`);
    this.slots = this.slots.filter((s) => s !== slot);
    slot.worker.removeAllListeners();
    void slot.worker.terminate();
    this.requeueAllBut(slot, running);
    // (An aborted run's answer is not waited for: only an overrun reaches the editor.)
    this.finish(slot, { id, results: [failedRun(job, (files) => `reading and analysing this run's data (${files}) ${why} and was stopped: a damaged file can keep a reader in a loop; check the files, or export them again`)] });
  }

  private finish(slot: Slot, m: { id: number; results?: RunResult[]; error?: string }): void {
    const running = slot.tasks.find((r) => r.id === m.id);
    if (!running) return;
    clearTimeout(running.watchdog);
    slot.tasks = slot.tasks.filter((r) => r !== running);
    if (!slot.tasks.length) slot.worker.unref();
    if (m.error) this.log(`cellspec: data analysis failed: ${m.error}`);
    this.deliver(running.task, m.results?.[0]);
    this.pump();
  }

  /** A task's answer to its request (if that is still current); no result fails the request. */
  private deliver({ request, index }: Task, result: RunResult | undefined): void {
    if (this.requests.get(request.key) !== request) return;
    request.suspects.delete(index);
    if (!result) { this.fail(request); return; }
    request.results[index] = result;
    request.onResult?.(index);
    if (--request.left === 0) { this.requests.delete(request.key); request.resolve(request.results); }
  }

  private fail(request: Request): void {
    this.requests.delete(request.key);
    request.resolve(undefined);
  }

  /**
   * A worker that crashed or ended: it is not reused. A task it held alone crashed it, and is
   * answered with an error on its data reference; tasks it held together are each tried again
   * alone (their reads interleave, so any of them may have been the cause), first in their queues.
   */
  private lose(slot: Slot, why: string): void {
    if (!this.slots.includes(slot)) return;
    this.log(`cellspec: data worker crashed: ${why}`);
    this.slots = this.slots.filter((s) => s !== slot);
    const lost = slot.tasks;
    slot.tasks = [];
    for (const r of lost) clearTimeout(r.watchdog);
    if (lost.length === 1) {
      const { task } = lost[0];
      const retried = task.request.suspects.has(task.index) ? ', tried alone after it had crashed a worker beside another run' : '';
      this.deliver(task, failedRun(task.job, (files) => `reading and analysing this run's data (${files}) stopped the worker that ran it (${why})${retried}: a file too large for memory, or a damaged one, can do that; check the files, or export them again`));
    } else {
      for (const { task } of [...lost].reverse()) {
        if (this.requests.get(task.request.key) !== task.request) continue;
        task.request.suspects.add(task.index);
        task.request.queued.unshift(task.index);
      }
    }
    this.pump();
  }

  /** The slot's tasks but `kept` back to the front of their requests' queues (their worker is gone); the slot keeps `kept` only. */
  private requeueAllBut(slot: Slot, kept: Running): void {
    for (const other of slot.tasks) {
      if (other === kept) continue;
      clearTimeout(other.watchdog);
      if (this.requests.get(other.task.request.key) === other.task.request) other.task.request.queued.unshift(other.task.index);
    }
    slot.tasks = [kept];
  }

  private startWorker(): Slot {
    // Bundled next to server.js and cli.js as dataWorker.js; compiled by tsc next to this file.
    const file = this.workerFile ?? [path.join(__dirname, 'dataWorker.js'), path.join(__dirname, 'results', 'dataWorker.js')].find((f) => fs.existsSync(f));
    if (!file) throw new Error('dataWorker.js not found next to ' + __dirname);
    const worker = new Worker(file, { workerData: { cacheDir: this.cacheDir ?? null } });
    worker.unref();
    const slot: Slot = { worker, tasks: [] };
    worker.on('message', (m: { id: number; results?: RunResult[]; error?: string }) => this.finish(slot, m));
    worker.on('error', (e) => this.lose(slot, String(e.stack ?? e)));
    // A worker that ends without an error event must not keep requests waiting, nor be reused.
    worker.on('exit', (code) => this.lose(slot, `exit code ${code}`));
    this.slots.push(slot);
    return slot;
  }
}

/** A run answered with one error on its first data reference (or its header), the message given its files. */
function failedRun(job: RunJob, message: (files: string) => string): RunResult {
  const result = emptyResult(job);
  const at = job.patterns[0] ? { start: job.patterns[0].start, end: job.patterns[0].end } : job.header;
  result.issues.push({ at, severity: 'error', message: message(job.patterns.map((p) => `"${p.pattern}"`).join(', ')) });
  return result;
}

const describeMs = (ms: number): string => (ms >= 60_000 && ms % 60_000 === 0 ? `${ms / 60_000} min` : `${ms / 1000} s`);

/** Each job runs under its own key in the worker, so only an explicit abort stops it. */
const taskKey = (id: number): string => `task ${id}`;
