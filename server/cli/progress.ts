// A one-line progress bar on a terminal's standard error ("[#####.....] 12/40 files, 3.1 MB/s");
// nothing when standard error is no terminal (a pipe, a log, a test).
export class Progress {
  private shown = false;
  private readonly started = Date.now();
  private bytes = 0;
  private done = 0;

  constructor(private readonly total: number, private readonly stream: NodeJS.WriteStream | undefined) {}

  static forTerminal(total: number): Progress {
    return new Progress(total, process.stderr.isTTY && total > 1 ? process.stderr : undefined);
  }

  /** One more file finished. */
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
    if (!this.stream) return;
    const width = 30;
    const filled = Math.round((width * this.done) / this.total);
    const seconds = Math.max(1e-3, (Date.now() - this.started) / 1000);
    const rate = `${(this.bytes / 1e6 / seconds).toFixed(1)} MB/s`;
    this.stream.write(`\r\x1b[K[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${this.done}/${this.total} files, ${rate}`);
    this.shown = true;
    if (this.done === this.total) this.clear();
  }
}
