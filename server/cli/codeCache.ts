// V8's code cache for the bundles a new `cellspec` process loads (dist/cli.js, dist/dataWorker.js).
// Without it every process compiles the bundle's top level and then, as they are first called, the
// functions its command runs (the readers, the analyses): tens of milliseconds of a 0.3 s start.
// With it V8 deserialises their bytecode instead. A bundle's cache is written after its first run
// of a command, so it holds what that command compiled, not only the top level; one file per bundle
// and command (`analyze`, `check`, ...), under the user's cache folder. The file's name carries
// digests of the bundle's path, size and modification time and V8's version; V8 checks the source and its
// flags and rejects a cache that does not fit, which is then written again. Anything that fails
// here (a read-only home, a full disk) only costs the time the cache would have saved.
// Only Node's built-in modules are imported: this file is bundled alone, as dist/codeCache.js.
import { createHash } from 'crypto';
import * as fs from 'fs';
import Module from 'module';
import * as os from 'os';
import * as path from 'path';
import * as vm from 'vm';
import { threadId } from 'worker_threads';

/** CELLSPEC_CODE_CACHE: `off` (no cache), or the folder to keep it in; else the OS's cache folder. */
export function codeCacheFolder(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const set = env.CELLSPEC_CODE_CACHE;
  if (set === 'off' || set === '0') return undefined;
  if (set) return path.resolve(set);
  const home = os.homedir();
  const base = process.platform === 'win32' ? env.LOCALAPPDATA ?? path.join(home, 'AppData', 'Local')
    : process.platform === 'darwin' ? path.join(home, 'Library', 'Caches')
      : env.XDG_CACHE_HOME || path.join(home, '.cache');
  return path.join(base, 'cellspec', 'code-cache');
}

export interface CachedModule {
  /** The bundle's exports, as `require(file)` gives them. */
  exports: unknown;
  /** How the cache was used: none (no folder), absent, rejected (by V8: written again), accepted. */
  cache: 'none' | 'absent' | 'rejected' | 'accepted';
  /** Write the cache if it was absent or rejected: call after the command ran, to hold what it compiled. */
  save(): void;
}

/**
 * Which cache of a bundle a command line uses: the command's name when it is a plain word, else
 * `other`; `analyze --jobs 1` its own (it runs the readers and analyses in this thread, not a worker).
 */
export function cacheVariant(args: readonly string[]): string {
  const [command] = args;
  if (!command || !/^[a-z]{1,20}$/.test(command)) return 'other';
  const inThread = args.some((a, i) => a === '--jobs=1' || (a === '--jobs' && args[i + 1] === '1'));
  return command === 'analyze' && inThread ? 'analyze-inthread' : command;
}

/**
 * Load a CommonJS bundle as `require` would, its code compiled with V8's code cache when one is
 * kept in `folder` (codeCacheFolder()). `variant` names the work it is loaded for (the command),
 * each with its own cache.
 */
export function requireWithCodeCache(file: string, variant: string, folder: string | undefined): CachedModule {
  // No folder (CELLSPEC_CODE_CACHE=off, the language server's worker): Node's own loader, no digests.
  if (!folder) return { exports: require(file), cache: 'none', save() {} };
  const source = fs.readFileSync(file, 'utf8');
  const { name, prefix } = cacheName(file, variant);
  const cacheFile = path.join(folder, name);
  let cachedData: Buffer | undefined;
  try { cachedData = fs.readFileSync(cacheFile); } catch { /* none yet */ }
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
  const cache = !cachedData ? 'absent' : script.cachedDataRejected ? 'rejected' : 'accepted';

  // The module as Node's loader makes it, so the bundle's own require() resolves beside it.
  const m = new Module(file, require.main);
  m.filename = file;
  m.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(path.dirname(file));
  const cacheTable = (Module as unknown as { _cache: Record<string, Module> })._cache;
  cacheTable[file] = m;
  try {
    (script.runInThisContext() as (...args: unknown[]) => void).call(m.exports, m.exports, Module.createRequire(file), m, file, path.dirname(file));
  } catch (e) {
    delete cacheTable[file];
    throw e;
  }
  m.loaded = true;

  let saved = cache === 'accepted';
  return {
    exports: m.exports,
    cache,
    save() {
      if (saved) return;
      saved = true;
      writeCache(cacheFile, script.createCachedData(), prefix);
    },
  };
}

/**
 * `<bundle>-<where>-<variant>-<state>.bin`: `where` a digest of the bundle's path (two installs
 * keep a cache each), `state` one of what makes a cache stale before V8 is asked (size, mtime, V8).
 */
function cacheName(file: string, variant: string): { name: string; prefix: string } {
  const digest = (...parts: unknown[]) => createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 12);
  const st = fs.statSync(file);
  const prefix = `${path.basename(file, '.js')}-${digest(path.resolve(file))}-${variant}-`;
  return { name: `${prefix}${digest(st.size, st.mtimeMs, process.versions.v8, process.arch)}.bin`, prefix };
}

/** Written beside and renamed into place (a process reading it sees the old file or the new, whole); older caches of this bundle and variant go. */
function writeCache(cacheFile: string, data: Buffer, prefix: string): void {
  const dir = path.dirname(cacheFile);
  const temp = `${cacheFile}.${process.pid}-${threadId}.tmp`;
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(temp, data);
    fs.renameSync(temp, cacheFile);
    for (const name of fs.readdirSync(dir)) {
      if (!name.startsWith(prefix) || name === path.basename(cacheFile)) continue;
      // Another version's cache; a temporary file left by a process stopped while writing it.
      const stale = name.endsWith('.bin') || (name.endsWith('.tmp') && Date.now() - fs.statSync(path.join(dir, name)).mtimeMs > 10 * 60_000);
      if (stale) fs.rmSync(path.join(dir, name), { force: true });
    }
  } catch {
    try { fs.rmSync(temp, { force: true }); } catch { /* nothing left to do */ }
  }
}
