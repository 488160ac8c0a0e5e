// Offsets <-> (line, character) in UTF-16 code units, the LSP default.

export interface Position { line: number; character: number }

export class LineIndex {
  private starts: number[] = [0];
  constructor(private text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) this.starts.push(i + 1);
      else if (c === 13 && text.charCodeAt(i + 1) !== 10) this.starts.push(i + 1);
    }
  }
  position(offset: number): Position {
    offset = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0, hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid; else hi = mid - 1;
    }
    return { line: lo, character: offset - this.starts[lo] };
  }
  offset(p: Position): number {
    if (p.line >= this.starts.length) return this.text.length;
    if (p.line < 0) return 0;
    const lineEnd = p.line + 1 < this.starts.length ? this.starts[p.line + 1] : this.text.length;
    return Math.min(this.starts[p.line] + Math.max(0, p.character), lineEnd);
  }
  /**
   * The line of `offset`, searched forward from line `from`: a caller that visits offsets in
   * order (semantic tokens) pays one step per line in all, and allocates nothing.
   */
  lineAt(offset: number, from = 0): number {
    const starts = this.starts;
    let line = Math.max(0, Math.min(from, starts.length - 1));
    if (starts[line] > offset) return this.position(offset).line;
    while (line + 1 < starts.length && starts[line + 1] <= offset) line++;
    return line;
  }
  get lineCount(): number { return this.starts.length; }
  lineStart(line: number): number { return this.starts[Math.min(line, this.starts.length - 1)]; }
}
