// A worker thread of `cellspec convert`: converts the files it is sent (the pool sends up to two
// at once; their reads and writes interleave), answering each by its id.
import { parentPort } from 'worker_threads';
import { convertFile, ConvertOptions } from './convertFile';
import type { Job } from './plan';

parentPort?.on('message', (m: { id: number; job: Job; opts: ConvertOptions }) => {
  void convertFile(m.job, m.opts).then(
    (result) => parentPort!.postMessage({ id: m.id, result }),
    (e: unknown) => parentPort!.postMessage({ id: m.id, result: { ok: false, input: m.job.input, line: 0, message: `conversion failed: ${(e as Error)?.message ?? e}` } }),
  );
});
