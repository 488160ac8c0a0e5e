// Parsing a new version of a file from the previous one: only the declarations an edit touched
// are tokenized, parsed and interpreted again; the others are kept (their offsets moved by the
// edit) with their diagnostics. The file is cut into segments at declarations that start a line:
// the parser is at top level there, and what it makes of a segment depends only on the segment's
// text and the first token after it. So an edit re-reads the segments it touched plus the one
// before (whose lookahead may have changed), up to a segment boundary where the parse is back in
// step; the result is the parse of the whole text, token for token (test/incremental.test.ts
// checks that on random edits). When in doubt, the whole file is parsed again.
import { Token } from './lexer';
import { Decl, interpret } from './model';
import { parseRange } from './parser';
import { Block, Declaration, Diagnostic, SyntaxTree } from './syntax';
import { LineIndex } from './text';
import type { ParsedFile } from './workspace';

/** A run of declarations from a line start to the next declaration that starts a line. */
export interface Segment {
  start: number;
  /** How many declarations it holds (0 only for a file without any). */
  decls: number;
  /** Diagnostics of the parser and of the interpretation, in the order they were made. */
  parse: Diagnostic[];
  interpret: Diagnostic[];
}

export function parseFile(uri: string, version: number | string, text: string): ParsedFile {
  const { tree } = parseRange(text, 0, text.length);
  const { decls, diagnostics } = interpret(tree, uri);
  const segments = segmentsOf(text, 0, tree.declarations, tree.diagnostics, diagnostics);
  return { uri, version, text, tree, decls, diagnostics: [...tree.diagnostics, ...diagnostics], lines: new LineIndex(text), segments };
}

/** A file read again whole: its link to the version before goes (no chain of old versions stays alive). */
export function retire(file: ParsedFile): void {
  file.change = undefined;
}

/** The new version of `prev`, re-reading only what the edit touched; undefined when in doubt. */
export function reparseFile(prev: ParsedFile, version: number | string, text: string): ParsedFile | undefined {
  const segs = prev.segments;
  if (!segs?.length) return undefined;
  const old = prev.text;
  const start = commonPrefix(old, text);
  const suffix = commonSuffix(old, text, start);
  const oldEnd = old.length - suffix;
  const delta = text.length - old.length;
  if (start === old.length && start === text.length) {
    prev.change = undefined;
    return { ...prev, version, change: { previous: prev, start, oldEnd: start, delta: 0, at: prev.decls.length, removed: [], added: [] } };
  }

  // The segments the edit touched (an insertion at a boundary touches the one after it) and the one before.
  const first = Math.max(0, segmentAt(segs, start) - 1);
  let end = segmentAt(segs, oldEnd) + 1;
  const from = segs[first].start;
  // A line break split or joined at the region's start ("\r" + "\n") moves the line starts.
  if (from > 0 && (text.charCodeAt(from - 1) === 13 || old.charCodeAt(from - 1) === 13)) return undefined;
  let region: { tree: SyntaxTree; clean: boolean };
  for (;;) {
    const to = end < segs.length ? segs[end].start : old.length;
    region = parseRange(text, from, to + delta);
    if (region.clean || end >= segs.length) break;
    // The range cut an open block: read on, twice as far each time (linear overall).
    end = Math.min(segs.length, end + Math.max(1, end - first));
  }
  const lines = LineIndex.afterEdit(prev.lines, text, start, oldEnd, delta);
  const tail = segs.slice(end);
  // An unclosed block's message names the line of what closed it: that line moved.
  if (lines.lineCount !== prev.lines.lineCount && tail.some((s) => s.parse.some((d) => d.code === 'unclosed-block'))) return undefined;

  const { tree } = region;
  const { decls: newDecls, diagnostics: newInterpret } = interpret(tree, prev.uri);
  const newSegs = segmentsOf(text, from, tree.declarations, tree.diagnostics, newInterpret);

  // Splice tokens, declarations and segments; move what follows the edit by delta.
  const oldTo = end < segs.length ? segs[end].start : Infinity;
  const t0 = firstAtOrAfter(prev.tree.tokens, from), t1 = end < segs.length ? firstAtOrAfter(prev.tree.tokens, oldTo) : prev.tree.tokens.length - 1;
  const c0 = firstAtOrAfter(prev.tree.comments, from), c1 = firstAtOrAfter(prev.tree.comments, oldTo);
  let d0 = 0;
  for (let k = 0; k < first; k++) d0 += segs[k].decls;
  let d1 = d0;
  for (let k = first; k < end; k++) d1 += segs[k].decls;
  const removed = prev.decls.slice(d0, d1);
  // The file-wide diagnostic lists hold each segment's in segment order, so the region's are a
  // stretch of them, found by position (before anything moves).
  const prevParse = prev.tree.diagnostics;
  const prevInterpret = prev.diagnostics.slice(prevParse.length);
  const p0 = firstAtOrAfter(prevParse, from), p1 = firstAtOrAfter(prevParse, oldTo);
  const i0 = firstAtOrAfter(prevInterpret, from), i1 = firstAtOrAfter(prevInterpret, oldTo);
  const tokens = prev.tree.tokens;
  if (delta !== 0) {
    for (let k = t1; k < tokens.length; k++) shiftToken(tokens[k], delta);
    for (let k = d1; k < prev.decls.length; k++) shiftDecl(prev.decls[k], delta);
    for (const s of tail) {
      s.start += delta;
      for (const d of s.parse) shiftDiagnostic(d, delta, prev.uri);
      for (const d of s.interpret) shiftDiagnostic(d, delta, prev.uri);
    }
  }

  // The previous version's lists become this one's, spliced in place: a one-character edit
  // copies nothing of the rest of the file (the previous version is spent once read again).
  const regionTokens = tree.tokens.slice(0, -1); // without the region's end-of-file token
  spliceInPlace(tokens, t0, t1, regionTokens);
  const comments = spliceInPlace(prev.tree.comments, c0, c1, tree.comments);
  const declarations = spliceInPlace(prev.tree.declarations, d0, d1, tree.declarations);
  const decls = spliceInPlace(prev.decls, d0, d1, newDecls);
  const segments = spliceInPlace(segs, first, end, newSegs);
  const wasSorted = prevParse.some((d) => d.code === 'line-too-long');
  let parseDiagnostics = spliceInPlace(prevParse.slice(), p0, p1, tree.diagnostics);
  // The whole parse orders its diagnostics by position once an overlong line is among them.
  if (parseDiagnostics.some((d) => d.code === 'line-too-long')) parseDiagnostics.sort((a, b) => a.start - b.start);
  else if (wasSorted) parseDiagnostics = concatOf(segments, (s) => s.parse);
  const diagnostics = parseDiagnostics.concat(spliceInPlace(prevInterpret, i0, i1, newInterpret));
  prev.change = undefined; // one step back at most: no chain of old versions is kept alive
  return {
    uri: prev.uri, version, text, lines, segments, decls,
    tree: { text, tokens, comments, declarations, diagnostics: parseDiagnostics },
    diagnostics,
    change: { previous: prev, start, oldEnd, delta, at: d0, removed, added: newDecls },
  };
}

/** The lists of each segment one after another (most are empty: a loop, not a flatMap). */
function concatOf(segments: Segment[], list: (s: Segment) => Diagnostic[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (let k = 0; k < segments.length; k++) {
    const xs = list(segments[k]);
    for (let j = 0; j < xs.length; j++) out.push(xs[j]);
  }
  return out;
}

/** How a file came from the previous version: what results kept for that version must follow. */
export interface FileChange {
  previous: ParsedFile;
  /** The edit in the previous text: [start, oldEnd) became delta characters longer. */
  start: number;
  oldEnd: number;
  delta: number;
  /** Declarations from index `at` on: `removed` were replaced by `added`; those after moved by delta. */
  at: number;
  removed: Decl[];
  added: Decl[];
}

/** Cuts parsed declarations into segments, the first starting at `from`. */
function segmentsOf(text: string, from: number, declarations: Declaration[], parse: Diagnostic[], interpreted: Diagnostic[]): Segment[] {
  const segs: Segment[] = [{ start: from, decls: 0, parse: [], interpret: [] }];
  declarations.forEach((d, k) => {
    const lineStart = startsLine(text, d.keyword.start);
    if (k > 0 && lineStart !== undefined) segs.push({ start: lineStart, decls: 0, parse: [], interpret: [] });
    segs[segs.length - 1].decls++;
  });
  for (const d of parse) segs[segmentAt(segs, d.start)].parse.push(d);
  for (const d of interpreted) segs[segmentAt(segs, d.start)].interpret.push(d);
  return segs;
}

/** The start of the line when only blanks precede `at` on it, else undefined. */
function startsLine(text: string, at: number): number | undefined {
  let i = at;
  while (i > 0) {
    const c = text.charCodeAt(i - 1);
    if (c === 10 || c === 13) return i;
    if (c !== 32 && c !== 9 && c !== 0xfeff) return undefined;
    i--;
  }
  return 0;
}

/** The last segment starting at or before `offset`. */
function segmentAt(segs: Segment[], offset: number): number {
  let lo = 0, hi = segs.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (segs[mid].start <= offset) lo = mid; else hi = mid - 1;
  }
  return lo;
}

/** Replaces list[from, to) by items, in place (no copy of the list when the counts are equal); returns list. */
function spliceInPlace<T>(list: T[], from: number, to: number, items: T[]): T[] {
  const diff = items.length - (to - from);
  if (diff > 0) {
    const n = list.length;
    list.length = n + diff;
    list.copyWithin(to + diff, to, n);
  } else if (diff < 0) {
    list.copyWithin(to + diff, to);
    list.length += diff;
  }
  for (let k = 0; k < items.length; k++) list[from + k] = items[k];
  return list;
}

function firstAtOrAfter(tokens: { start: number }[], offset: number): number {
  let lo = 0, hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tokens[mid].start < offset) lo = mid + 1; else hi = mid;
  }
  return lo;
}

// Compared a block at a time: string equality is a memory compare, much faster than a character loop.
const BLOCK = 256;

export function commonPrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i + BLOCK <= n && a.slice(i, i + BLOCK) === b.slice(i, i + BLOCK)) i += BLOCK;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/** The length of the common end of a and b, leaving their first `prefix` characters alone. */
export function commonSuffix(a: string, b: string, prefix: number): number {
  const n = Math.min(a.length, b.length) - prefix;
  let k = 0;
  while (k + BLOCK <= n && a.slice(a.length - k - BLOCK, a.length - k) === b.slice(b.length - k - BLOCK, b.length - k)) k += BLOCK;
  while (k < n && a.charCodeAt(a.length - 1 - k) === b.charCodeAt(b.length - 1 - k)) k++;
  return k;
}

// Moving offsets. Tokens are moved once, through the token list; the walks below skip them.

function shiftToken(t: Token, delta: number) {
  t.start += delta;
  t.end += delta;
  if (t.unit) { t.unit.start += delta; t.unit.end += delta; }
}

function shiftDecl(d: Decl, delta: number) {
  const s = d.syntax;
  s.start += delta;
  s.end += delta;
  if (s.block) shiftBlock(s.block, delta);
  shiftSpan(d.name, delta);
  shiftSpan(d.type, delta);
  shiftSpan(d.importPath, delta);
  shiftSpan(d.protocolRef, delta);
  shiftSpan(d.cellRef, delta);
  if (d.props.size) for (const e of d.props.values()) if (e.value) shiftValue(e.value, delta);
}

function shiftSpan(r: { start: number; end: number } | undefined, delta: number) {
  if (r) { r.start += delta; r.end += delta; }
}

function shiftBlock(b: Block, delta: number) {
  b.start += delta;
  b.end += delta;
  for (const p of b.props) {
    p.start += delta;
    p.end += delta;
    if (p.block) shiftBlock(p.block, delta);
  }
}

/**
 * A typed value's spans (quantities, references, layers, nested blocks' values). Values are made
 * of fresh objects; `prop` (the syntax, moved with the block), `spec` (the schema) and `unit`
 * (a shared unit) are not theirs.
 */
function shiftValue(v: unknown, delta: number) {
  if (Array.isArray(v)) { for (const x of v) shiftValue(x, delta); return; }
  if (v instanceof Map) { for (const x of v.values()) shiftValue(x, delta); return; }
  if (!v || typeof v !== 'object') return;
  const o = v as Record<string, unknown>;
  for (const key in o) {
    const x = o[key];
    if (typeof x === 'number') { if (key === 'start' || key === 'end') o[key] = x + delta; }
    else if (x && typeof x === 'object' && key !== 'prop' && key !== 'spec' && key !== 'unit') shiftValue(x, delta);
  }
}

function shiftDiagnostic(d: Diagnostic, delta: number, uri: string) {
  d.start += delta;
  d.end += delta;
  for (const f of d.fixes ?? []) { f.start += delta; f.end += delta; }
  for (const r of d.related ?? []) if (r.uri === uri) { r.start += delta; r.end += delta; }
}
