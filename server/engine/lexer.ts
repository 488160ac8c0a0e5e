// Turns source text into tokens. Never throws: bad characters and unterminated strings become
// error tokens, so the parser can report them once and go on.
import { isUnit } from '../domain/units';

export type TokenKind =
  | 'name' | 'string' | 'number' | 'punct' | 'newline' | 'comment' | 'error' | 'eof';

export interface Span { start: number; end: number }

export interface Token extends Span {
  kind: TokenKind;
  text: string;
  /** number: its value; string: its unescaped content is in `value` */
  num?: number;
  value?: string;
  /** number: the unit written after it, if any */
  unit?: Span & { text: string; known: boolean };
  /** error tokens: what is wrong, and the diagnostic code when it is not a bad character */
  message?: string;
  code?: string;
}

const SINGLE_PUNCT = new Set(['{', '}', ';', ',', ':', '=', '|', '±']);

// Character tests by code, not by regular expression: the lexer's inner loop runs per character.
const isNameStart = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isNameChar = (c: number) => isNameStart(c) || (c >= 48 && c <= 57) || c === 45;

function punctAt(text: string, i: number): string | undefined {
  const c = text[i];
  if (SINGLE_PUNCT.has(c)) return c;
  if (c === '.' && text[i + 1] === '.') return '..';
  if (c === '+' && text.startsWith('+/-', i)) return '+/-';
  return undefined;
}
const NUMBER = /-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/y;
// Characters a unit may be made of; '.' is excluded so that "2.8 V..4.3 V" stays a range.
const UNIT_CHARS = /[A-Za-zµμ°℃%Ω²³⁻¹^0-9/·*\-]+/y;
const UNITISH = /[/²³^µμ°%Ω·]/;
const MAX_UNIT_WORDS = 4;

/**
 * A spec line holds a declaration header or a few properties: hundreds of characters. Past this,
 * a line is pasted data or an attack; it is read up to here and the rest of it is one error, so
 * a 10 MB line costs what 64 KB do (VS Code stops tokenizing long lines for the same reason).
 */
export const MAX_LINE_CHARS = 65536;

/**
 * The tokens of text[from, to). `from` and `to` must be line starts (or the ends of the text):
 * no token crosses a line break, so the tokens of a range of lines are those of the whole text.
 */
export function tokenize(text: string, from = 0, to = text.length): Token[] {
  const tokens: Token[] = [];
  let i = from;
  const n = to;
  let lineStart = from;
  while (i < n) {
    if (i - lineStart >= MAX_LINE_CHARS) {
      const lf = text.indexOf('\n', i), cr = text.indexOf('\r', i);
      const end = lf < 0 ? (cr < 0 ? n : cr) : cr < 0 ? lf : Math.min(lf, cr);
      const length = end - lineStart;
      tokens.push({ kind: 'error', start: i, end, text: '', code: 'line-too-long', message: `this line is ${length.toLocaleString('en')} characters long; only its first ${MAX_LINE_CHARS.toLocaleString('en')} are read (a spec line holds a declaration or a few properties)` });
      i = end;
      lineStart = end;
      continue;
    }
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\uFEFF') { i++; continue; }
    if (c === '\r' || c === '\n') {
      const start = i;
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      tokens.push({ kind: 'newline', start, end: i, text: '\n' });
      lineStart = i;
      continue;
    }
    if (c === '#') {
      const start = i;
      while (i < n && text[i] !== '\n' && text[i] !== '\r') i++;
      tokens.push({ kind: 'comment', start, end: i, text: text.slice(start, i) });
      continue;
    }
    if (c === '"') { i = lexString(text, i, tokens); continue; }
    if (isDigitStart(text, i)) { i = lexNumber(text, i, tokens); continue; }
    if (isNameStart(text.charCodeAt(i))) {
      const start = i;
      i++;
      while (i < n && isNameChar(text.charCodeAt(i))) i++;
      // A trailing '-' belongs to what follows (e.g. "a -0.4 V"), not to the name.
      while (text[i - 1] === '-' && i - 1 > start) i--;
      tokens.push({ kind: 'name', start, end: i, text: text.slice(start, i) });
      continue;
    }
    const p = punctAt(text, i);
    if (p) {
      tokens.push({ kind: 'punct', start: i, end: i + p.length, text: p === '+/-' ? '±' : p });
      i += p.length;
      continue;
    }
    // One error token for a run of unexpected characters, not one per character.
    const start = i;
    const cp = text.codePointAt(i)!;
    i += cp > 0xffff ? 2 : 1;
    while (i < n && isJunk(text, i)) i += (text.codePointAt(i)! > 0xffff ? 2 : 1);
    const junk = text.slice(start, i);
    tokens.push({ kind: 'error', start, end: i, text: junk, message: junkMessage(junk) });
  }
  tokens.push({ kind: 'eof', start: n, end: n, text: '' });
  return tokens;
}

function isDigitStart(text: string, i: number): boolean {
  const c = text[i];
  if (c >= '0' && c <= '9') return true;
  if (c === '-' || c === '.') {
    const d = text[i + 1];
    if (c === '.' && d === '.') return false;
    return (d >= '0' && d <= '9') || (c === '-' && d === '.' && /\d/.test(text[i + 2] ?? ''));
  }
  return false;
}

const NOT_JUNK = /[\s"#{};,:=|±A-Za-z0-9_.\-+]/;
const JUNK_LATIN1 = Array.from({ length: 256 }, (_, c) => !NOT_JUNK.test(String.fromCharCode(c)));

function isJunk(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return c < 256 ? JUNK_LATIN1[c] : !NOT_JUNK.test(text[i]);
}

// Random text has millions of short junk runs, mostly the same few: their messages are made once.
const junkMessages = new Map<string, string>();

function junkMessage(junk: string): string {
  let m = junkMessages.get(junk);
  if (m === undefined) {
    m = `unexpected character${junk.length > 1 ? 's' : ''} '${truncate(junk)}'`;
    if (junk.length <= 8 && junkMessages.size < 4096) junkMessages.set(junk, m);
  }
  return m;
}

function lexString(text: string, i: number, tokens: Token[]): number {
  const start = i;
  // The value is built from slices between escapes, not character by character (a 10 MB string
  // would otherwise be ten million concatenations).
  let value = '';
  let run = ++i;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      value += text.slice(run, i);
      tokens.push({ kind: 'string', start, end: i + 1, text: text.slice(start, i + 1), value });
      return i + 1;
    }
    if (c === '\n' || c === '\r') break;
    if (c === '\\' && i + 1 < text.length && text[i + 1] !== '\n') {
      value += text.slice(run, i) + text[i + 1];
      i += 2;
      run = i;
      continue;
    }
    i++;
  }
  value += text.slice(run, i);
  tokens.push({
    kind: 'error', start, end: i, text: text.slice(start, i), value,
    message: 'unterminated string: add the closing \'"\' on the same line',
  });
  return i;
}

function lexNumber(text: string, i: number, tokens: Token[]): number {
  NUMBER.lastIndex = i;
  const m = NUMBER.exec(text)!;
  const start = i;
  let end = i + m[0].length;
  // "1..2" is a range of 1 and 2, not the number "1." followed by ".2".
  if (m[0].endsWith('.') && text[end] === '.') end--;
  const tok: Token = { kind: 'number', start, end, text: text.slice(start, end), num: Number(text.slice(start, end)) };
  tokens.push(tok);
  const unit = lexUnit(text, end);
  if (unit) {
    tok.unit = unit;
    return unit.end;
  }
  return end;
}

/** The unit after a number: one word, or several separated by single spaces ("mA h/cm²"). */
function lexUnit(text: string, i: number): (Span & { text: string; known: boolean }) | undefined {
  let j = i;
  while (text[j] === ' ' || text[j] === '\t') j++;
  const adjacent = j === i;
  const first = unitWord(text, j);
  if (!first) return undefined;
  let end = j + first.length;
  let unitText = first;
  if (!isUnit(unitText)) {
    // Not a unit we know: claim it only when it clearly is meant as one (written right after the
    // number, or made of unit characters); otherwise it is the next word of the property.
    if (adjacent || UNITISH.test(first)) return { start: j, end, text: unitText, known: false };
    return undefined;
  }
  // Units have a few factors at most; the bound keeps hostile input ("5 m m m …") linear.
  for (let words = 1; words < MAX_UNIT_WORDS; words++) {
    let k = end;
    if (text[k] !== ' ') break;
    k++;
    const next = unitWord(text, k);
    if (!next || !isUnit(unitText + ' ' + next)) break;
    unitText += ' ' + next;
    end = k + next.length;
  }
  return { start: j, end, text: unitText, known: true };
}

function unitWord(text: string, i: number): string | undefined {
  const c = text[i];
  if (c === undefined || !/[A-Za-zµμ°℃%Ω]/.test(c)) return undefined;
  UNIT_CHARS.lastIndex = i;
  const m = UNIT_CHARS.exec(text);
  if (!m) return undefined;
  let w = m[0];
  // "4.3 V-" or "mA/cm²-" : a trailing operator char is not part of the unit.
  while (/[\-/*·^]$/.test(w)) w = w.slice(0, -1);
  return w || undefined;
}

function truncate(s: string): string {
  return s.length > 20 ? s.slice(0, 20) + '…' : s;
}
