// Which file line each row came from, without a number per row: data rows follow one another, so
// the line is the row plus an offset that changes only where lines were skipped (blank lines,
// repeated headers, cut rows). One entry per change, not four bytes per row.

export class LineMap {
  /** First row of each stretch, and its line minus its row. */
  private firstRows: number[] = [];
  private offsets: number[] = [];

  /** Rows must be added in order. */
  add(row: number, line: number): void {
    const offset = line - row;
    const k = this.offsets.length;
    if (k === 0 || this.offsets[k - 1] !== offset) {
      this.firstRows.push(row);
      this.offsets.push(offset);
    }
  }

  /** The line of `row`, or 0 for a row that was not added (not an integer, below 0 or from `rows` on). */
  lineOf(row: number, rows: number): number {
    if (!Number.isInteger(row) || row < 0 || row >= rows) return 0;
    const first = this.firstRows;
    let lo = 0, hi = first.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (first[mid] <= row) lo = mid; else hi = mid - 1;
    }
    return row + this.offsets[lo];
  }
}
