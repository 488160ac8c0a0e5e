// The page's half of keeping the preview and the editor in step, after the built-in Markdown
// preview: the editor's cursor entering a run scrolls that run's charts into view ('scrollTo'),
// and a scroll by the user tells the editor the run of the chart now at the top ('scrolled').
// The guard against feedback loops is the Markdown preview's: a scroll the page makes itself is
// not reported back (the scroll events within a short window after it are ignored). And only a
// scroll the user made is: one that follows their wheel, touch, key or pointer. A page restored
// at its saved position, or moved by its own layout (charts drawn, scroll anchoring), may scroll
// after any window of time on a loaded machine, and must not tell the editor anything.
import type { Anchor, ChartModel } from '../protocol/preview';

/** How long after a scroll of its own the page stays quiet. */
const QUIET_MS = 600;
/** A user's scroll is reported once it pauses. */
const SETTLE_MS = 150;
/** How long after the user's last input a scroll counts as theirs (a smooth scroll by a key runs on). */
const USER_SCROLL_MS = 1000;

export interface FollowHost {
  cards(): { card: HTMLElement; chart: ChartModel }[];
  anchors(): Anchor[];
  scrolled(line: number): void;
}

export class Follow {
  private quietUntil = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastReported = 0;
  /** When the user last touched the wheel, a key or the pointer; and whether a pointer is down (a scrollbar dragged). */
  private userAt = -Infinity;
  private pointerDown = false;

  constructor(private host: FollowHost) {
    window.addEventListener('scroll', () => this.onScroll(), { passive: true });
    const input = () => { this.userAt = performance.now(); };
    for (const type of ['wheel', 'touchmove', 'keydown']) window.addEventListener(type, input, { passive: true, capture: true });
    window.addEventListener('pointerdown', () => { this.pointerDown = true; input(); }, { capture: true });
    window.addEventListener('pointerup', () => { this.pointerDown = false; input(); }, { capture: true });
  }

  /** The page scrolls itself (a restored position): not the user's scroll, not reported. */
  hold() {
    this.quietUntil = performance.now() + QUIET_MS;
  }

  /** The cards drawing the declaration that starts at `line`, in page order (filtered-out cards left out). */
  targets(line: number): HTMLElement[] {
    const anchor = this.host.anchors().find((a) => a.line === line);
    const cards = this.host.cards().filter(({ card }) => !card.hidden);
    const hit = ({ card, chart }: { card: HTMLElement; chart: ChartModel }) => {
      // A run's charts, and a comparison's (their line is its header's).
      if (!anchor || anchor.kind === 'run' || anchor.kind === 'compare') return (card.dataset.lines ?? '').includes(` ${line} `);
      if (anchor.kind === 'protocol') return chart.place.group.split(', ').includes(anchor.name);
      // A cell's charts; a build's (its replicates overlaid, its bar in a comparison) by its colour key.
      return chart.place.cell === anchor.name || chart.series.some((s) => s.name === anchor.name || s.colorKey === anchor.name);
    };
    return cards.filter(hit).map((x) => x.card);
  }

  /** Shows the charts of the declaration at `line` (else its rows in the tables); false when the page has none. */
  scrollTo(line: number): boolean {
    document.querySelectorAll('.is-current').forEach((e) => e.classList.remove('is-current'));
    let targets = this.targets(line);
    if (!targets.length) targets = [...document.querySelectorAll<HTMLElement>(`tr[data-line="${line}"]`)].filter((r) => r.offsetParent !== null);
    document.body.dataset.followed = String(line);
    if (!targets.length) return false;
    targets.forEach((t) => t.classList.add('is-current'));
    this.quietUntil = performance.now() + QUIET_MS;
    clearTimeout(this.timer);
    targets[0].scrollIntoView({ block: 'start', behavior: 'instant' });
    // As if reported: the chart now at the top is the editor's already (a protocol's first chart is of a run).
    this.lastReported = Number(targets[0].dataset.line) || line;
    return true;
  }

  private onScroll() {
    const now = performance.now();
    if (now < this.quietUntil) return;
    if (!this.pointerDown && now - this.userAt > USER_SCROLL_MS) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.report(), SETTLE_MS);
  }

  /** The run of the first chart still in view (a compared chart's first run). */
  private report() {
    if (performance.now() < this.quietUntil) return;
    const top = this.host.cards().find(({ card }) => !card.hidden && card.getBoundingClientRect().bottom > 24);
    const line = Number(top?.card.dataset.line);
    // A chart comparing runs that include the one the editor shows already: the editor stays.
    if (!(line >= 1) || (top!.card.dataset.lines ?? '').includes(` ${this.lastReported} `)) return;
    this.lastReported = line;
    // For tests, as data-followed: the run last told to the editor.
    document.body.dataset.reported = String(line);
    this.host.scrolled(line);
  }
}
