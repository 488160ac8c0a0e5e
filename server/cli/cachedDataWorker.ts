// The data worker as built (dist/dataWorker.js, which the pool starts): it loads the worker's own
// bundle (dist/dataWorkerMain.js, from server/results/dataWorker.ts) with V8's code cache, so a
// worker compiles little of the readers and analyses it runs (codeCache.ts). The worker is ended by
// its pool, never by itself: the cache is written after its first answer with results instead,
// when it has compiled what a run needs. Only in a process that names the folder (bin/cellspec
// does): the language server's worker lives long, gains nothing, and writes nothing outside its storage.
import * as path from 'path';
import { codeCacheFolder, requireWithCodeCache } from './codeCache';

const loaded = requireWithCodeCache(path.join(__dirname, 'dataWorkerMain.js'), 'worker', process.env.CELLSPEC_CODE_CACHE ? codeCacheFolder() : undefined);
if (loaded.cache === 'absent' || loaded.cache === 'rejected') (loaded.exports as typeof import('../results/dataWorker')).onFirstResults(() => loaded.save());
