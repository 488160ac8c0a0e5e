// The language server's side of the data worker: one worker thread; per document, the latest request wins.
import * as fs from 'fs';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { RunJob } from './jobs';
import { RunResult } from './execute';
import type { DataRunner } from './study';

export class DataWorkerPool implements DataRunner {
  private worker?: Worker;
  private nextId = 1;
  private pending = new Map<number, { key: string; resolve: (r: RunResult[] | undefined) => void }>();

  constructor(private log: (message: string) => void) {}

  /** Results of the jobs, or undefined when a newer request for the same key (document) replaced this one. */
  run(key: string, jobs: RunJob[]): Promise<RunResult[] | undefined> {
    const w = this.ensureWorker();
    for (const [id, p] of this.pending) {
      if (p.key === key) { p.resolve(undefined); this.pending.delete(id); }
    }
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, { key, resolve });
      w.postMessage({ id, key, jobs });
    });
  }

  private failAll() {
    for (const p of this.pending.values()) p.resolve(undefined);
    this.pending.clear();
    this.worker = undefined;
  }

  dispose() {
    void this.worker?.terminate();
    this.worker = undefined;
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    // Bundled next to server.js as dataWorker.js; compiled by tsc next to this file.
    const file = [path.join(__dirname, 'dataWorker.js'), path.join(__dirname, 'results', 'dataWorker.js')].find((f) => fs.existsSync(f));
    if (!file) throw new Error('dataWorker.js not found next to ' + __dirname);
    const w = new Worker(file);
    w.unref();
    w.on('message', (m: { id: number; results?: RunResult[]; error?: string }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.error) this.log(`cellspec: data analysis failed: ${m.error}`);
      p.resolve(m.results);
    });
    w.on('error', (e) => {
      this.log(`cellspec: data worker crashed: ${e.stack ?? e}`);
      this.failAll();
    });
    // A worker that ends without an error event must not keep requests waiting, nor be reused.
    w.on('exit', () => { if (this.worker === w) this.failAll(); });
    this.worker = w;
    return w;
  }
}
