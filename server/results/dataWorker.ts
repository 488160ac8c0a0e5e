// Worker thread that reads and analyses data files, so the language server's request path never
// waits on a large file. A new request for a key aborts that key's request in flight, as does an
// explicit { abort: key }; other keys' requests go on. Every request is answered (an aborted one
// without results), so the pool knows when the worker is free. Tables are also cached on disk in
// the folder the pool names (workerData, or a later { cacheDir }).
import { parentPort, workerData } from 'worker_threads';
import { DiskTableCache } from './diskTableCache';
import { executeJobs } from './execute';
import { RunJob } from './jobs';
import { useDiskCache } from './tableCache';

const cacheIn = (dir: string | null | undefined) => useDiskCache(dir ? new DiskTableCache(dir) : undefined);
cacheIn((workerData as { cacheDir?: string | null } | null)?.cacheDir);

const current = new Map<string, AbortController>();

/** Called once, after the first answer with results went out (cli/cachedDataWorker.ts then writes its code cache). */
let firstResults: (() => void) | undefined;
export function onFirstResults(f: () => void): void { firstResults = f; }

parentPort?.on('message', (msg: { id: number; key: string; jobs: RunJob[] } | { abort: string } | { cacheDir: string | null }) => {
  if ('abort' in msg) { current.get(msg.abort)?.abort(); return; }
  if ('cacheDir' in msg) { cacheIn(msg.cacheDir); return; }
  current.get(msg.key)?.abort();
  const controller = new AbortController();
  current.set(msg.key, controller);
  const done = () => { if (current.get(msg.key) === controller) current.delete(msg.key); };
  executeJobs(msg.jobs, controller.signal)
    .then((results) => {
      if (controller.signal.aborted) { parentPort!.postMessage({ id: msg.id }); return; }
      parentPort!.postMessage({ id: msg.id, results });
      const f = firstResults;
      firstResults = undefined;
      f?.();
    })
    .catch((e: Error) => parentPort!.postMessage(controller.signal.aborted ? { id: msg.id } : { id: msg.id, error: e.stack ?? String(e) }))
    .finally(done);
});
