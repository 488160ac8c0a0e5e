// The language server's side of the data worker: one worker, the latest request wins.
import * as fs from 'fs';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { RunJob } from './jobs';
import { RunResult } from './execute';

export class DataAnalysis {
  private worker?: Worker;
  private nextId = 1;
  private pending = new Map<number, (r: RunResult[] | undefined) => void>();

  constructor(private log: (message: string) => void) {}

  /** Results of the jobs, or undefined when a newer request replaced this one. */
  run(jobs: RunJob[]): Promise<RunResult[] | undefined> {
    const w = this.ensureWorker();
    for (const resolve of this.pending.values()) resolve(undefined);
    this.pending.clear();
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      w.postMessage({ id, jobs });
    });
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
      const resolve = this.pending.get(m.id);
      if (!resolve) return;
      this.pending.delete(m.id);
      if (m.error) this.log(`cellspec: data analysis failed: ${m.error}`);
      resolve(m.results);
    });
    w.on('error', (e) => {
      this.log(`cellspec: data worker crashed: ${e.stack ?? e}`);
      for (const resolve of this.pending.values()) resolve(undefined);
      this.pending.clear();
      this.worker = undefined;
    });
    this.worker = w;
    return w;
  }
}
