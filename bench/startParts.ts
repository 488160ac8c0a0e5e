// The parts of `cellspec analyze`'s start, each timed in a fresh process of its own (bench/start.ts
// runs this file): prints one JSON line.
//   worker <dataWorker.js>   a data worker from `new Worker` until it answers a request (its bundle loaded)
//   analysis <spec>          the engine's analysis of the spec, then its runs read and analysed in
//                            this thread: the first, unoptimised run of each (the tsc build in out/)
import * as path from 'path';
import { Worker } from 'worker_threads';

const ms = (t: bigint): number => Number(process.hrtime.bigint() - t) / 1e6;

function workerReady(file: string): Promise<{ workerMs: number }> {
  const t = process.hrtime.bigint();
  const worker = new Worker(file, { workerData: { cacheDir: null } });
  return new Promise((resolve, reject) => {
    // An empty request: answered as soon as the worker's bundle is loaded and listening.
    worker.once('message', () => { const workerMs = ms(t); void worker.terminate(); resolve({ workerMs }); });
    worker.once('error', reject);
    worker.postMessage({ id: 1, key: 'start', jobs: [] });
  });
}

async function analysis(spec: string): Promise<{ specMs: number; dataMs: number; runs: number }> {
  // Loaded here, not above: the worker's figure is that of a process with nothing else loaded.
  const [{ analyzeSpec }, { Workspace }, { shippedLibrary }, { confinedFileSystem, fileUri }, { inProcessRunner, StudySession }, { makeRoots }] = await Promise.all([
    import('../server/engine/specAnalysis'), import('../server/engine/workspace'), import('../server/library/shipped'),
    import('../server/nodeFileSystem'), import('../server/results/study'), import('../server/roots'),
  ]);
  const roots = makeRoots([path.dirname(path.resolve(spec))], '');
  let t = process.hrtime.bigint();
  const ws = new Workspace(confinedFileSystem(() => roots), shippedLibrary());
  const a = analyzeSpec(ws, fileUri(spec), { plausibility: true });
  if (!a) throw new Error(`cannot read ${spec}`);
  const specMs = ms(t);
  t = process.hrtime.bigint();
  const study = new StudySession(inProcessRunner, { rootsFor: () => roots });
  await study.refresh(a, 1);
  const dataMs = ms(t);
  return { specMs, dataMs, runs: study.outcomes(a.file.uri, 1)?.length ?? 0 };
}

async function main(): Promise<void> {
  const [part, arg] = process.argv.slice(2);
  const result = part === 'worker' ? await workerReady(arg) : part === 'analysis' ? await analysis(arg) : undefined;
  if (!result) throw new Error(`unknown part ${part}`);
  process.stdout.write(JSON.stringify(result) + '\n');
}

main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
