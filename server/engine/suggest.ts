// "Did you mean" suggestions: the closest candidate by edit distance (with transpositions),
// only when it is close enough to be a plausible typo.
//
// Linear on hostile input: the distance is computed in a band of width 2k+1 around the diagonal
// (k = the largest distance that would be suggested, at most MAX_DISTANCE), so two megabyte-long
// names cost O(k·n), not O(n²); candidates whose length alone rules them out are skipped. When
// the candidates grow with the input (the names in scope), callers pass a SuggestionBudget shared
// by one analysis, so thousands of unknown names against thousands of candidates stay bounded.

/** The largest distance ever suggested; a typo in a name of 50 characters or fewer is never capped by it. */
const MAX_DISTANCE = 16;

/** Work left for suggestions, in compared characters; when it runs out, no more suggestions are made. */
export interface SuggestionBudget { left: number }

/** Far more than any hand-written spec needs (a few hundred typos against thousands of names). */
const SUGGESTION_WORK = 20_000_000;

export function suggestionBudget(): SuggestionBudget {
  return { left: SUGGESTION_WORK };
}

export function closest(word: string, candidates: readonly string[], budget?: SuggestionBudget): string | undefined {
  // Words of three letters or more may be off by a third of their length.
  const k = Math.min(MAX_DISTANCE, Math.max(1, Math.floor(Math.max(word.length, 2) / 3)));
  let best: string | undefined;
  let bestDist = Infinity;
  const lower = word.toLowerCase();
  for (const c of candidates) {
    if (budget && --budget.left < 0) return undefined;
    if (c === word) continue;
    const other = c.toLowerCase();
    if (budget) budget.left -= other.length;
    const lengthGap = Math.abs(other.length - lower.length);
    // The distance is at least the length gap: such a candidate can never be suggested.
    if (lengthGap > k) continue;
    if (budget) budget.left -= (2 * k + 1) * other.length;
    // A gap over 3 stands for the distance (a lower bound), as it always has.
    const d = other === lower ? 0.5 : lengthGap > 3 ? lengthGap : editDistance(lower, other, k);
    if (d < bestDist) { bestDist = d; best = c; }
  }
  return bestDist <= k ? best : undefined;
}

/**
 * Optimal string alignment distance (insertions, deletions, substitutions, transpositions of
 * neighbours) when it is at most `max`; any larger distance is returned as `max + 1`. Only the
 * cells within `max` of the diagonal are computed: O(max · length) time, O(max) memory.
 */
export function editDistance(a: string, b: string, max = Math.max(a.length, b.length)): number {
  const over = max + 1;
  if (Math.abs(a.length - b.length) > max) return over;
  // Rows of the band: index x = j - i + max + 1 holds column j of row i (the + 1 leaves a cell
  // left of the band); every cell outside the band holds `over`.
  const width = 2 * max + 3;
  let before = new Int32Array(width).fill(over); // row i - 2
  let prev = new Int32Array(width).fill(over);   // row i - 1
  let row = new Int32Array(width).fill(over);    // row i
  // Row 0: d[0][j] = j.
  for (let j = 0; j <= Math.min(b.length, max); j++) prev[j + max + 1] = j;
  for (let i = 1; i <= a.length; i++) {
    row.fill(over);
    const lo = Math.max(0, i - max), hi = Math.min(b.length, i + max);
    let rowMin = over;
    for (let j = lo; j <= hi; j++) {
      const x = j - i + max + 1;
      let d: number;
      if (j === 0) d = i;
      else {
        const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
        // prev[x + 1] is d[i-1][j], row[x - 1] is d[i][j-1], prev[x] is d[i-1][j-1].
        d = Math.min(prev[x + 1] + 1, row[x - 1] + 1, prev[x] + cost);
        if (i > 1 && j > 1 && a.charCodeAt(i - 1) === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1)) d = Math.min(d, before[x] + 1);
      }
      row[x] = Math.min(d, over);
      if (row[x] < rowMin) rowMin = row[x];
    }
    // Every path to the end passes through this row: once it is all over the limit, so is the result.
    if (rowMin >= over) return over;
    [before, prev, row] = [prev, row, before];
  }
  return Math.min(prev[b.length - a.length + max + 1], over);
}
