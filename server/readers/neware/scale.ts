// Current scale of Neware's integer records. BTS 7/8 files store current, capacity and energy as
// integers whose unit depends on the channel's current range (the range in mA, negative for the
// µA-class ranges of some testers); NewareNDA's table of ranges gives the factor to mA. Ranges
// missing from it follow the same decade pattern and are reported, so a new tester is read
// rather than refused.

const KNOWN_RANGES: ReadonlyMap<number, number> = new Map([
  [-100000000, 10],
  [-200000, 1e-2], [-100000, 1e-2], [-60000, 1e-2], [-50000, 1e-2], [-40000, 1e-2], [-30000, 1e-2], [-20000, 1e-2],
  [-12000, 1e-2], [-10000, 1e-2], [-6000, 1e-2], [-5000, 1e-2], [-3000, 1e-2], [-2000, 1e-2], [-1000, 1e-2],
  [-500, 1e-3], [-100, 1e-3],
  [-50, 1e-4], [-25, 1e-4], [-20, 1e-4], [-10, 1e-4],
  [-5, 1e-5], [-2, 1e-5], [-1, 1e-5],
  [1, 1e-4], [2, 1e-4], [5, 1e-4],
  [10, 1e-3], [20, 1e-3], [25, 1e-3], [50, 1e-3],
  [100, 1e-2], [200, 1e-2], [250, 1e-2], [500, 1e-2],
  [1000, 1e-1], [6000, 1e-1], [10000, 1e-1], [12000, 1e-1], [20000, 1e-1], [30000, 1e-1], [40000, 1e-1],
  [50000, 1e-1], [60000, 1e-1], [100000, 1e-1], [200000, 1e-1],
]);

export const isKnownRange = (range: number): boolean => KNOWN_RANGES.has(range);

/** The decade pattern of the table, for a range it does not list. */
function guessedMultiplier(range: number): number {
  const r = Math.abs(range);
  const positive = range > 0;
  if (r < 10) return positive ? 1e-4 : 1e-5;
  if (r < 100) return positive ? 1e-3 : 1e-4;
  if (r < 1000) return positive ? 1e-2 : 1e-3;
  if (r <= 1e6) return positive ? 1e-1 : 1e-2;
  return positive ? 1 : 10;
}

/**
 * Factor from the stored integer to mA for each record's range, remembering the last range (it
 * changes rarely) and which ranges had to be guessed. A record range of 0 means "the test's
 * range", the one in the file header.
 */
export class RangeScale {
  private lastRange = NaN;
  private lastFactor = 0;
  readonly guessed = new Set<number>();
  constructor(private readonly headerRange: number | undefined) {}

  factor(range: number): number {
    if (range === this.lastRange) return this.lastFactor;
    let r = range;
    if (r === 0 && this.headerRange !== undefined && this.headerRange !== 0) r = this.headerRange;
    let f = KNOWN_RANGES.get(r);
    if (f === undefined) {
      if (r === 0) f = 0; // no range at all: NewareNDA reads such records as 0 mA
      else { f = guessedMultiplier(r); this.guessed.add(r); }
    }
    this.lastRange = range;
    this.lastFactor = f;
    return f;
  }

  /** A warning for the ranges the table does not list, or undefined. */
  problem(where: string): string | undefined {
    if (!this.guessed.size) return undefined;
    const list = [...this.guessed].sort((a, b) => a - b).join(', ');
    return `${where}: current range ${list} is not in Neware's table of ranges; current, capacity and energy were scaled by the decade pattern of the known ranges and may be off by a factor of 10`;
  }
}
