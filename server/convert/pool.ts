// Conversions on every core: a pool of worker threads, each holding two files at a time (one
// converts while the other waits on its files), so a folder of files takes about 1/N of the
// time on N cores. One file, or output to standard
// output, is converted in this thread.
import * as fs from 'fs';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { convertFile, ConvertOptions, ConvertResult, TextSink } from './convertFile';
import type { Job } from './plan';

/** Bundled next to cli.js as convertWorker.js; compiled by tsc next to this file as worker.js. */
function workerFile(): string | undefined {
  return [path.join(__dirname, 'convertWorker.js'), path.join(__dirname, 'worker.js')].find((f) => fs.existsSync(f));
}

/**
 * Jobs a worker holds at once: while one waits on its files (reading, writing, renaming: a small
 * file's conversion is mostly that), the other converts. With one, each worker sat idle about a
 * fifth of the time on an archive of small files.
 */
const IN_FLIGHT = 2;

/**
 * Convert every job with up to `threads` workers; `onResult` gets each result in the order of
 * the jobs (a result waits for those before it), so the output reads the same on any machine.
 * `workerFile` is for tests (a worker that crashes on purpose).
 */
export async function convertAll(jobs: Job[], opts: ConvertOptions, threads: number, onResult: (r: ConvertResult) => void, stdout?: TextSink, file = workerFile()): Promise<void> {
  if (threads <= 1 || jobs.length <= 1 || !file || jobs.some((j) => j.output === undefined)) {
    for (const job of jobs) onResult(await convertFile(job, opts, stdout));
    return;
  }
  const inOrder = orderedEmitter(onResult);
  const queue = jobs.map((_, i) => i);
  // Jobs that were in a worker when it crashed: each is tried again alone, so a crash is blamed
  // on the file that caused it, never on the one that happened to be held beside it.
  const suspects = new Set<number>();
  const workers = Array.from({ length: Math.min(threads, jobs.length) }, () => new Promise<void>((done) => {
    let worker: Worker;
    let ids = 0;
    const held = new Map<number, number>(); // message id → job index, oldest first
    // A suspect goes only into an empty worker, and nothing joins it there (so it is held alone).
    const holdsSuspect = () => held.size === 1 && suspects.has(held.values().next().value!);
    const canTake = (i: number) => !held.size || (held.size < IN_FLIGHT && !suspects.has(i) && !holdsSuspect());
    const feed = () => {
      while (queue.length && canTake(queue[0])) {
        const i = queue.shift()!, id = ids++;
        held.set(id, i);
        worker.postMessage({ id, job: jobs[i], opts });
      }
      if (!held.size) {
        worker.removeAllListeners();
        void worker.terminate().then(() => done());
      }
    };
    const crashed = (why: string) => {
      worker.removeAllListeners();
      void worker.terminate();
      const lost = [...held.values()];
      held.clear();
      if (lost.length === 1) {
        // Alone in its worker: this file crashed it (out of memory on a huge file, say).
        suspects.delete(lost[0]);
        inOrder(lost[0], { ok: false, input: jobs[lost[0]].input, line: 0, message: `the converter stopped: ${why}` });
      } else {
        for (const i of lost) suspects.add(i);
        queue.unshift(...lost);
      }
      start();
      feed();
    };
    const start = () => {
      worker = new Worker(file);
      worker.on('message', (m: { id: number; result: ConvertResult }) => {
        const i = held.get(m.id);
        if (i === undefined) return;
        held.delete(m.id);
        suspects.delete(i);
        inOrder(i, m.result);
        feed();
      });
      worker.on('error', (e) => crashed(e.message));
      worker.on('exit', (code) => crashed(`exit code ${code}`));
    };
    start();
    feed();
  }));
  await Promise.all(workers);
}

function orderedEmitter(emit: (r: ConvertResult) => void): (index: number, r: ConvertResult) => void {
  const waiting = new Map<number, ConvertResult>();
  let due = 0;
  return (index, r) => {
    waiting.set(index, r);
    while (waiting.has(due)) {
      emit(waiting.get(due)!);
      waiting.delete(due++);
    }
  };
}
