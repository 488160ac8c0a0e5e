// Conversions on every core: a pool of worker threads, each converting one file at a time, so a
// folder of files takes about 1/N of the time on N cores. One file, or output to standard
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
 * Convert every job with up to `threads` workers; `onResult` gets each result in the order of
 * the jobs (a result waits for those before it), so the output reads the same on any machine.
 */
export async function convertAll(jobs: Job[], opts: ConvertOptions, threads: number, onResult: (r: ConvertResult) => void, stdout?: TextSink): Promise<void> {
  const file = workerFile();
  if (threads <= 1 || jobs.length <= 1 || !file || jobs.some((j) => j.output === undefined)) {
    for (const job of jobs) onResult(await convertFile(job, opts, stdout));
    return;
  }
  const inOrder = orderedEmitter(onResult);
  let next = 0;
  const runWorker = async (): Promise<void> => {
    let worker = new Worker(file);
    try {
      while (next < jobs.length) {
        const i = next++;
        const result = await inWorker(worker, jobs[i], opts).catch((e: Error) => {
          // A crashed worker (out of memory on a huge file) fails its file; a fresh one goes on.
          void worker.terminate();
          worker = new Worker(file);
          return { ok: false, input: jobs[i].input, line: 0, message: `the converter stopped: ${e.message}` } as ConvertResult;
        });
        inOrder(i, result);
      }
    } finally {
      await worker.terminate();
    }
  };
  await Promise.all(Array.from({ length: Math.min(threads, jobs.length) }, runWorker));
}

function inWorker(w: Worker, job: Job, opts: ConvertOptions): Promise<ConvertResult> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: { result: ConvertResult }) => { cleanup(); resolve(m.result); };
    const onError = (e: Error) => { cleanup(); reject(e); };
    const onExit = (code: number) => { cleanup(); reject(new Error(`exit code ${code}`)); };
    const cleanup = () => { w.off('message', onMessage); w.off('error', onError); w.off('exit', onExit); };
    w.on('message', onMessage);
    w.on('error', onError);
    w.on('exit', onExit);
    w.postMessage({ id: 0, job, opts });
  });
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
