// A one-line progress bar on a terminal's standard error ("[#####.....] 12/40 files, 3.1 MB/s",
// "[#####.....] 12/200 runs, 4.2 s"); nothing when standard error is no terminal (a pipe, a log,
// a test), nor for a single item.
export class Progress {
  private shown = false;
  private readonly started = Date.now();
  private bytes = 0;
  private done = 0;

  constructor(private total: number, private readonly stream: NodeJS.WriteStream | undefined, private readonly unit = 'files') {}

  static forTerminal(total: number, unit = 'files'): Progress {
    return new Progress(total, process.stderr.isTTY ? process.stderr : undefined, unit);
  }

  /** More items to come (found while working: the runs of the next spec). */
  grow(items: number): void {
    this.total += items;
  }

  /** One more item finished (with the bytes it read, for a rate). */
  step(bytesRead: number): void {
    this.done++;
    this.bytes += bytesRead;
    this.draw();
  }

  /** Before a message is printed: the bar leaves the line and comes back at the next step. */
  clear(): void {
    if (!this.stream || !this.shown) return;
    this.stream.write('\r\x1b[K');
    this.shown = false;
  }

  private draw(): void {
    if (!this.stream || this.total < 2) return;
    const width = 30;
    const filled = Math.min(width, Math.round((width * this.done) / this.total));
    const seconds = Math.max(1e-3, (Date.now() - this.started) / 1000);
    const rate = this.bytes > 0 ? `${(this.bytes / 1e6 / seconds).toFixed(1)} MB/s` : `${seconds.toFixed(1)} s`;
    this.stream.write(`\r\x1b[K[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${this.done}/${this.total} ${this.unit}, ${rate}`);
    this.shown = true;
    if (this.done === this.total) this.clear();
  }
}
