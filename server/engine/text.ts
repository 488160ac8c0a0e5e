// Offsets <-> (line, character) in UTF-16 code units, the LSP default.

export interface Position { line: number; character: number }

/** The line starts of text[from, to), each after a line break ("\n", "\r\n" or a lone "\r"). */
function lineStartsIn(text: string, from: number, to: number, out: number[]): void {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) out.push(i + 1);
    else if (c === 13 && text.charCodeAt(i + 1) !== 10) out.push(i + 1);
  }
}

export class LineIndex {
  /** A typed array: an edit copies it with one memory move and adds its delta to the lines after it. */
  private starts: Int32Array;
  constructor(private text: string) {
    const starts = [0];
    lineStartsIn(text, 0, text.length, starts);
    this.starts = Int32Array.from(starts);
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
  /**
   * The index of `text`, made from `prev`, the index of the text before an edit that replaced
   * [start, oldEnd) of it (a delta longer now): the lines before the edit are kept, those after
   * it moved, only the edited lines are scanned again.
   */
  static afterEdit(prev: LineIndex, text: string, start: number, oldEnd: number, delta: number): LineIndex {
    const index = Object.create(LineIndex.prototype) as LineIndex;
    index.text = text;
    const old = prev.starts;
    // Lines starting before the edit's line (a "\r" at start - 1 may pair with a new "\n").
    let a = 0, hi = old.length - 1;
    while (a < hi) {
      const mid = (a + hi + 1) >> 1;
      if (old[mid] <= Math.max(0, start - 1)) a = mid; else hi = mid - 1;
    }
    const edited: number[] = [];
    lineStartsIn(text, old[a], oldEnd + delta, edited);
    // A line start after the edit's end has the same characters around it as before.
    let b = a;
    while (b < old.length && old[b] < oldEnd + 1) b++;
    const starts = new Int32Array(a + 1 + edited.length + old.length - b);
    starts.set(old.subarray(0, a + 1));
    starts.set(edited, a + 1);
    const at = a + 1 + edited.length;
    if (delta === 0) starts.set(old.subarray(b), at);
    else for (let k = b; k < old.length; k++) starts[at + k - b] = old[k] + delta;
    index.starts = starts;
    return index;
  }
  get lineCount(): number { return this.starts.length; }
  lineStart(line: number): number { return this.starts[Math.min(line, this.starts.length - 1)]; }
}
