// Worker thread that reads and analyses data files, so the language server's request path never
// waits on a large file. A new request for a document aborts that document's request in flight;
// other documents' requests go on.
import { parentPort } from 'worker_threads';
import { executeJobs } from './execute';
import { RunJob } from './jobs';

const current = new Map<string, AbortController>();

parentPort?.on('message', (msg: { id: number; key: string; jobs: RunJob[] }) => {
  current.get(msg.key)?.abort();
  const controller = new AbortController();
  current.set(msg.key, controller);
  const done = () => { if (current.get(msg.key) === controller) current.delete(msg.key); };
  executeJobs(msg.jobs, controller.signal)
    .then((results) => { if (!controller.signal.aborted) parentPort!.postMessage({ id: msg.id, results }); })
    .catch((e: Error) => { if (!controller.signal.aborted) parentPort!.postMessage({ id: msg.id, error: e.stack ?? String(e) }); })
    .finally(done);
});
