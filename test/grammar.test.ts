// Tests for the TextMate grammar (syntaxes/cellspec.tmLanguage.json) and the language
// configuration (language-configuration.json), using the same engine as VS Code:
// vscode-textmate on top of the vscode-oniguruma WebAssembly regex library.

import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as oniguruma from 'vscode-oniguruma';
import * as vsctm from 'vscode-textmate';
import { FIGURES } from '../server/engine/schema';

/** The repository root: compiled to out/test/, so two levels up; else the working directory. */
function repoRoot(): string {
  const fromOut = path.resolve(__dirname, '..', '..');
  if (fs.existsSync(path.join(fromOut, 'syntaxes', 'cellspec.tmLanguage.json'))) return fromOut;
  return process.cwd();
}

const ROOT = repoRoot();
const GRAMMAR_PATH = path.join(ROOT, 'syntaxes', 'cellspec.tmLanguage.json');
const CONFIG_PATH = path.join(ROOT, 'language-configuration.json');
const DOC_PATH = path.join(ROOT, 'docs', 'language.md');
const WASM_PATH = path.join(ROOT, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm');
const SCOPE = 'source.cellspec';

interface Tok {
  text: string;
  start: number;
  end: number;
  scopes: string[];
}

let grammar: vsctm.IGrammar;

async function loadGrammar(): Promise<vsctm.IGrammar> {
  const wasm = fs.readFileSync(WASM_PATH);
  await oniguruma.loadWASM({ data: wasm });
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName: string) => {
      if (scopeName !== SCOPE) return null;
      return vsctm.parseRawGrammar(fs.readFileSync(GRAMMAR_PATH, 'utf8'), GRAMMAR_PATH);
    },
  });
  const g = await registry.loadGrammar(SCOPE);
  assert.ok(g, 'grammar source.cellspec did not load');
  return g;
}

/** Tokenizes lines in sequence (the rule stack carries over), returning the tokens of each line. */
function tokenize(lines: string[]): { tokens: Tok[][]; endStack: vsctm.StateStack } {
  let stack: vsctm.StateStack = vsctm.INITIAL;
  const tokens: Tok[][] = [];
  for (const line of lines) {
    const r = grammar.tokenizeLine(line, stack);
    tokens.push(
      r.tokens.map((t) => ({
        text: line.slice(t.startIndex, Math.min(t.endIndex, line.length)),
        start: t.startIndex,
        end: Math.min(t.endIndex, line.length),
        scopes: t.scopes,
      })),
    );
    stack = r.ruleStack;
  }
  return { tokens, endStack: stack };
}

/**
 * A line as it appears inside a declaration block: tokenized after `context` (default: an open
 * composite block) so the tokens reflect the block state.
 */
function lineTokens(line: string, context: string[] = ['composite X {']): Tok[] {
  const { tokens } = tokenize([...context, line]);
  return tokens[tokens.length - 1];
}

/** The tokens covering the `occurrence`-th occurrence of `needle` in `line` (fails if absent). */
function tokensFor(toks: Tok[], line: string, needle: string, occurrence = 1): Tok[] {
  let at = -1;
  for (let i = 0; i < occurrence; i++) {
    at = line.indexOf(needle, at + 1);
    assert.notEqual(at, -1, `"${needle}" (#${occurrence}) not in "${line}"`);
  }
  const end = at + needle.length;
  const covering = toks.filter((t) => t.start < end && t.end > at);
  assert.ok(covering.length > 0, `no tokens for "${needle}"`);
  return covering;
}

function describeToks(toks: Tok[]): string {
  return toks.map((t) => `${JSON.stringify(t.text)}: ${t.scopes.join(' ')}`).join('\n  ');
}

/** Every token of `needle` has a scope starting with `scope` (a TextMate prefix match). */
function assertScope(toks: Tok[], line: string, needle: string, scope: string, occurrence = 1): void {
  const covering = tokensFor(toks, line, needle, occurrence);
  const ok = covering.every((t) => t.scopes.some((s) => s === scope || s.startsWith(scope + '.')));
  assert.ok(ok, `"${needle}" should be ${scope}:\n  ${describeToks(covering)}`);
}

/** The needle is one token exactly (no bleeding into neighbours) with the scope. */
function assertToken(toks: Tok[], line: string, needle: string, scope: string, occurrence = 1): void {
  const covering = tokensFor(toks, line, needle, occurrence);
  assert.equal(covering.length, 1, `"${needle}" should be one token:\n  ${describeToks(covering)}`);
  assert.equal(covering[0].text, needle, `"${needle}" should be exactly one token:\n  ${describeToks(covering)}`);
  assertScope(toks, line, needle, scope, occurrence);
}

/** No token of `needle` has a scope starting with `scope`. */
function assertNoScope(toks: Tok[], line: string, needle: string, scope: string, occurrence = 1): void {
  const covering = tokensFor(toks, line, needle, occurrence);
  const bad = covering.filter((t) => t.scopes.some((s) => s === scope || s.startsWith(scope + '.')));
  assert.equal(bad.length, 0, `"${needle}" should not be ${scope}:\n  ${describeToks(bad)}`);
}

/**
 * How many blocks are open in `stack`, probed through the public API: a `}` closes a block
 * (punctuation.section.block.end) until, at top level, it is a stray brace.
 */
function openBlocks(stack: vsctm.StateStack): number {
  for (let n = 0; n < 20; n++) {
    const r = grammar.tokenizeLine('}', stack);
    if (r.tokens.some((t) => t.scopes.some((s) => s.startsWith('invalid.illegal.stray-brace')))) return n;
    stack = r.ruleStack;
  }
  throw new Error('more than 20 open blocks');
}

/** Which occurrence of `needle` in `line` is the first one inside `fragment` (itself in `line`). */
function occurrenceIn(line: string, fragment: string, needle: string): number {
  const from = line.indexOf(fragment);
  assert.notEqual(from, -1, `"${fragment}" not in "${line}"`);
  const target = line.indexOf(needle, from);
  assert.ok(target !== -1 && target < from + fragment.length, `"${needle}" not in "${fragment}"`);
  let n = 0;
  for (let at = line.indexOf(needle); at !== -1 && at <= target; at = line.indexOf(needle, at + 1)) n++;
  return n;
}

function countIn(text: string, needle: string): number {
  let n = 0;
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + 1)) n++;
  return n;
}

/** The example program of docs/language.md (the first fenced code block). */
function docExample(): string[] {
  const md = fs.readFileSync(DOC_PATH, 'utf8').split(/\r?\n/);
  const open = md.findIndex((l) => l.trim() === '```');
  assert.notEqual(open, -1, 'docs/language.md has no fenced example');
  const close = md.findIndex((l, i) => i > open && l.trim() === '```');
  assert.ok(close > open, 'unterminated fenced example in docs/language.md');
  return md.slice(open + 1, close);
}

/** The example line that contains `fragment`, with its tokens (tokenized in document context). */
function docLine(fragment: string): { line: string; toks: Tok[] } {
  const lines = docExample();
  const i = lines.findIndex((l) => l.includes(fragment));
  assert.notEqual(i, -1, `docs/language.md example has no line with "${fragment}"`);
  const { tokens } = tokenize(lines.slice(0, i + 1));
  return { line: lines[i], toks: tokens[i] };
}

describe('cellspec TextMate grammar', () => {
  before(async () => {
    grammar = await loadGrammar();
  });

  it('is valid JSON with scopeName source.cellspec, and every regex compiles in oniguruma', () => {
    const raw = JSON.parse(fs.readFileSync(GRAMMAR_PATH, 'utf8'));
    assert.equal(raw.scopeName, SCOPE);
    const regexes: string[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(walk);
      if (node && typeof node === 'object') {
        for (const [k, v] of Object.entries(node)) {
          if ((k === 'match' || k === 'begin' || k === 'end') && typeof v === 'string') regexes.push(v);
          else walk(v);
        }
      }
    };
    walk(raw);
    assert.ok(regexes.length > 10, `expected many regexes, found ${regexes.length}`);
    for (const re of regexes) {
      assert.doesNotThrow(() => new oniguruma.OnigScanner([re]).dispose(), `regex does not compile: ${re}`);
    }
  });

  it('matches the grammar contribution in package.json', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const g = pkg.contributes.grammars.find((x: { language: string }) => x.language === 'cellspec');
    assert.ok(g, 'package.json contributes no cellspec grammar');
    assert.equal(g.scopeName, SCOPE);
    assert.equal(path.resolve(ROOT, g.path), GRAMMAR_PATH);
    const lang = pkg.contributes.languages.find((x: { id: string }) => x.id === 'cellspec');
    assert.equal(path.resolve(ROOT, lang.configuration), CONFIG_PATH);
  });

  it('tokenizes the whole example of docs/language.md, ending at top level', () => {
    const lines = docExample();
    assert.ok(lines.length > 20);
    const { tokens, endStack } = tokenize(lines);
    lines.forEach((line, i) => {
      // Tokens tile the line: contiguous, from 0 to the end.
      let pos = 0;
      for (const t of tokens[i]) {
        assert.equal(t.start, pos, `gap before ${JSON.stringify(t.text)} in line ${i}: ${line}`);
        pos = t.end;
      }
      assert.ok(pos >= line.length, `line ${i} not fully tokenized: ${line}`);
      for (const t of tokens[i]) {
        assert.ok(
          !t.scopes.some((s) => s.startsWith('invalid')),
          `invalid scope in line ${i} at ${JSON.stringify(t.text)}: ${t.scopes.join(' ')}`,
        );
      }
    });
    // Braces balanced: the final state is the initial one (no open block or string).
    assert.equal(openBlocks(endStack), 0, 'rule stack not back at top level after the example');
    const { endStack: afterNext } = tokenize([...lines, 'material Li { role metal }']);
    assert.equal(openBlocks(afterNext), 0);
    // Inside a declaration the block is open.
    const upTo = lines.findIndex((l) => l.startsWith('composite'));
    assert.equal(openBlocks(tokenize(lines.slice(0, upTo + 2)).endStack), 1);
  });

  describe('replicates and comparisons', () => {
    it('scopes a replicates list as cell names, and a compare declaration with its builds and figures', () => {
      const r = docLine('replicates sym-LNT10F-1, sym-LNT10F-2');
      assertToken(r.toks, r.line, 'replicates', 'variable.other.property');
      for (const name of ['sym-LNT10F-1', 'sym-LNT10F-2', 'sym-LNT10F-3']) {
        assertToken(r.toks, r.line, name, 'entity.name.type.cell');
        assertNoScope(r.toks, r.line, name, 'constant.numeric');
      }
      assertScope(r.toks, r.line, '# three cells of this build', 'comment.line.number-sign');
      const c = docLine('compare ccd-by-anode {');
      assertToken(c.toks, c.line, 'compare', 'storage.type.compare');
      assertToken(c.toks, c.line, 'ccd-by-anode', 'entity.name.type.comparison');
      const b = docLine('builds sym-Li, sym-LNT10F');
      assertToken(b.toks, b.line, 'sym-Li', 'entity.name.type.cell');
      assertToken(b.toks, b.line, 'sym-LNT10F', 'entity.name.type.cell');
      const ref = docLine('reference sym-Li');
      assertToken(ref.toks, ref.line, 'sym-Li', 'entity.name.type.cell');
      const f = docLine('figures ccd');
      assertToken(f.toks, f.line, 'ccd', 'constant.language.figure');
    });

    it('colours every figure the schema knows, and marks an unknown one', () => {
      const line = `  figures ${FIGURES.join(', ')}, Deff`;
      const toks = lineTokens(line, ['compare c {']);
      for (const w of FIGURES) assertToken(toks, line, w, 'constant.language.figure', occurrenceIn(line, ` ${w}`, w));
      assertToken(toks, line, 'Deff', 'invalid.illegal.unknown-figure');
    });

    it('keeps a replicates list on its line: the next property is a property again', () => {
      const { tokens } = tokenize(['cell c half {', '  replicates a, b; pressure 5 MPa', '  stack Cu | Li 50 µm', '}']);
      assertToken(tokens[1], '  replicates a, b; pressure 5 MPa', 'pressure', 'variable.other.property');
      assertToken(tokens[2], '  stack Cu | Li 50 µm', 'stack', 'variable.other.property');
    });
  });

  describe('comments', () => {
    it('scopes a trailing comment from # to the end of the line', () => {
      const { line, toks } = docLine('# default for every cell');
      assertScope(toks, line, '# default for every cell', 'comment.line.number-sign');
      assertScope(toks, line, '#', 'punctuation.definition.comment');
      assertNoScope(toks, line, 'diameter', 'comment');
      assertScope(toks, line, 'diameter', 'variable.other.property');
    });

    it('keeps a comment that contains keywords, numbers, strings and braces all comment', () => {
      const line = '# cell protocol run ccd on at stop short 5 mA/cm² "x" { } | = : ..';
      for (const ctx of [[], ['composite X {']]) {
        const toks = lineTokens(line, ctx);
        assert.equal(toks.length >= 1, true);
        for (const t of toks) {
          assert.ok(t.scopes.some((s) => s.startsWith('comment.line.number-sign')), `not comment: ${t.text}`);
          assert.ok(
            !t.scopes.some((s) => /^(keyword|storage|constant|string|entity|support|variable)\b/.test(s)),
            `comment token ${JSON.stringify(t.text)} has ${t.scopes.join(' ')}`,
          );
        }
        // The brace inside the comment opened no block.
        const { endStack } = tokenize([...ctx, line]);
        assert.equal(openBlocks(endStack), ctx.length);
      }
    });
  });

  describe('strings', () => {
    it('scopes an import path as a double-quoted string', () => {
      const { line, toks } = docLine('import "materials.cellspec"');
      assertScope(toks, line, '"materials.cellspec"', 'string.quoted.double');
      assertToken(toks, line, 'import', 'keyword.control.import');
      assertScope(toks, line, '"', 'punctuation.definition.string.begin', 1);
      assertScope(toks, line, '"', 'punctuation.definition.string.end', 2);
    });

    it('scopes the escapes \\" and \\\\', () => {
      const line = '  note "a \\"quoted\\" path \\\\ here"';
      const toks = lineTokens(line, ['run a on b {']);
      assertScope(toks, line, '"a \\"quoted\\" path \\\\ here"', 'string.quoted.double');
      assertToken(toks, line, '\\"', 'constant.character.escape', 1);
      assertToken(toks, line, '\\"', 'constant.character.escape', 2);
      assertToken(toks, line, '\\\\', 'constant.character.escape');
      assertToken(toks, line, 'note', 'variable.other.property');
    });

    it('keeps a string that contains # all string, and a comment after it still a comment', () => {
      const line = '  data "data/#1 run on cell {.mpt" "b.csv"   # two files';
      const toks = lineTokens(line, ['run ccd-ramp on sym-LNT10F {']);
      assertScope(toks, line, '"data/#1 run on cell {.mpt"', 'string.quoted.double');
      assertNoScope(toks, line, '"data/#1 run on cell {.mpt"', 'comment');
      assertNoScope(toks, line, '"data/#1 run on cell {.mpt"', 'keyword');
      assertScope(toks, line, '"b.csv"', 'string.quoted.double');
      assertScope(toks, line, '# two files', 'comment.line.number-sign');
      // The `{` inside the string opened no block: a `}` on the next line closes the run block.
      assert.equal(openBlocks(tokenize(['run ccd-ramp on sym-LNT10F {', line]).endStack), 1);
      const { endStack } = tokenize(['run ccd-ramp on sym-LNT10F {', line, '}']);
      assert.equal(openBlocks(endStack), 0);
    });

    it('ends an unterminated string at the end of the line', () => {
      const { tokens, endStack } = tokenize(['study "unterminated', 'material Li { role metal }']);
      assertScope(tokens[0], 'study "unterminated', '"unterminated', 'string.quoted.double');
      assertToken(tokens[1], 'material Li { role metal }', 'material', 'storage.type.material');
      assertNoScope(tokens[1], 'material Li { role metal }', 'material', 'string');
      assert.equal(openBlocks(endStack), 0);
    });
  });

  describe('declarations', () => {
    it('scopes the top-level keywords', () => {
      const cases: [string, string, string][] = [
        ['import "materials.cellspec"', 'import', 'keyword.control.import'],
        ['study "Interlayer vs bare Li" {', 'study', 'storage.type.study'],
        ['composite LNT10F {', 'composite', 'storage.type.composite'],
        ['cell sym-LNT10F symmetric {', 'cell', 'storage.type.cell'],
        ['protocol ccd-ramp ccd {', 'protocol', 'storage.type.protocol'],
        ['run ccd-ramp on sym-LNT10F-1 {', 'run', 'keyword.control.run'],
        ['run ccd-ramp on sym-LNT10F-1 {', 'on', 'keyword.control.on'],
      ];
      for (const [fragment, word, scope] of cases) {
        const { line, toks } = docLine(fragment);
        assertToken(toks, line, word, scope);
      }
      const line = 'material LPSC { role electrolyte }';
      assertToken(lineTokens(line, []), line, 'material', 'storage.type.material');
    });

    it('scopes the declared name, whole, including - and digits', () => {
      const cases: [string, string, string][] = [
        ['composite LNT10F {', 'LNT10F', 'entity.name.type.composite'],
        ['cell sym-LNT10F symmetric {', 'sym-LNT10F', 'entity.name.type.cell'],
        ['cell full-LNT10F full {', 'full-LNT10F', 'entity.name.type.cell'],
        ['protocol ccd-ramp ccd {', 'ccd-ramp', 'entity.name.function.protocol'],
        ['protocol sand-series sand {', 'sand-series', 'entity.name.function.protocol'],
        ['run ccd-ramp on sym-LNT10F-1 {', 'ccd-ramp', 'entity.name.function.protocol'],
        ['run ccd-ramp on sym-LNT10F-1 {', 'sym-LNT10F-1', 'entity.name.type.cell'],
      ];
      for (const [fragment, name, scope] of cases) {
        const { line, toks } = docLine(fragment);
        assertToken(toks, line, name, scope);
        assertNoScope(toks, line, name, 'constant.numeric');
      }
      const line = 'material Li_foil-2 { role metal }';
      assertToken(lineTokens(line, []), line, 'Li_foil-2', 'entity.name.type.material');
    });

    it('scopes cell kinds and protocol types as support.type', () => {
      for (const [fragment, word] of [
        ['cell sym-LNT10F symmetric {', 'symmetric'],
        ['cell full-LNT10F full {', 'full'],
      ]) {
        const { line, toks } = docLine(fragment);
        assertToken(toks, line, word, 'support.type.cell-kind', occurrenceIn(line, ` ${word} {`, word));
      }
      const half = 'cell h-1 half {';
      assertToken(lineTokens(half, []), half, 'half', 'support.type.cell-kind');
      for (const [fragment, word] of [
        ['protocol ccd-ramp ccd {', 'ccd'],
        ['protocol sand-series sand {', 'sand'],
        ['protocol cyc cycling {', 'cycling'],
      ]) {
        const { line, toks } = docLine(fragment);
        const kind = ` ${word} {`;
        assertToken(toks, line, word, 'support.type.protocol-type', occurrenceIn(line, kind, word));
      }
      for (const type of ['strip', 'rate', 'eis']) {
        const line = `protocol p-${type} ${type} { }`;
        assertToken(lineTokens(line, []), line, type, 'support.type.protocol-type', 2);
      }
    });

    it('scopes material roles after `role` as constant.language', () => {
      for (const role of ['metal', 'alloy', 'carbon', 'binder', 'electrolyte', 'cathode', 'collector']) {
        const line = `material M { role ${role}; density 0.534 g/cm³ }`;
        const toks = lineTokens(line, []);
        assertToken(toks, line, 'role', 'variable.other.property');
        assertToken(toks, line, role, 'constant.language.role');
        assertToken(toks, line, 'density', 'variable.other.property');
      }
      const line = '  role metal';
      assertToken(lineTokens(line, ['material Li {']), line, 'metal', 'constant.language.role');
      // A group called carbon in a composite is a property, not a role.
      const { line: c, toks } = docLine('carbon GMWNT : FG');
      assertToken(toks, c, 'carbon', 'variable.other.property');
      assertNoScope(toks, c, 'carbon', 'constant.language');
    });
  });

  describe('properties', () => {
    it('scopes a property name at the start of a line', () => {
      for (const [fragment, name] of [
        ['temperature 25 °C', 'temperature'],
        ['pressure 5 MPa', 'pressure'],
        ['D_eff 9.62e-10', 'D_eff'],
        ['thickness 15 µm', 'thickness'],
        ['stack Cu | Li 50 µm', 'stack'],
        ['ratio carbon : binder', 'ratio'],
        ['ccd 1.5 mA/cm²', 'ccd'],
      ]) {
        const { line, toks } = docLine(fragment);
        assertToken(toks, line, name, 'variable.other.property');
      }
    });

    it('scopes property names after { and ; (also in a nested block), but not values', () => {
      const { line, toks } = docLine('protocol ccd-ramp ccd {');
      for (const name of ['start', 'step', 'half-cycle', 'until']) {
        assertToken(toks, line, name, 'variable.other.property');
      }
      const n = docLine('cathode NCM9 {');
      for (const name of ['cathode', 'loading', 'active', 'capacity']) {
        assertToken(n.toks, n.line, name, 'variable.other.property');
      }
      assertNoScope(n.toks, n.line, 'NCM9', 'variable.other.property');
      assertToken(n.toks, n.line, '{', 'punctuation.section.block.begin');
      assertToken(n.toks, n.line, '}', 'punctuation.section.block.end');
      assertScope(n.toks, n.line, 'loading', 'meta.block');
      const g = docLine('carbon GMWNT : FG');
      for (const value of ['GMWNT', 'FG']) assertNoScope(g.toks, g.line, value, 'variable.other.property');
      const s = docLine('stack Cu | Li 50 µm | LNT10F | LPSC 600 µm | LNT10F');
      for (const value of ['Cu', 'Li', 'LNT10F', 'LPSC']) {
        assertNoScope(s.toks, s.line, value, 'variable.other.property');
        assertNoScope(s.toks, s.line, value, 'constant.numeric');
        assertNoScope(s.toks, s.line, value, 'keyword.other.unit');
      }
    });

    it('scopes `1C = 180 mAh/g` as a property', () => {
      const { line, toks } = docLine('1C = 180 mAh/g');
      assertToken(toks, line, '1C', 'variable.other.property');
      assertNoScope(toks, line, '1C', 'constant.numeric');
      assertToken(toks, line, '=', 'keyword.operator.assignment');
      assertToken(toks, line, '180', 'constant.numeric');
      assertToken(toks, line, 'mAh/g', 'keyword.other.unit');
      const alone = '  1C = 180 mAh/g';
      const t = lineTokens(alone, ['protocol r rate {']);
      assertToken(t, alone, '1C', 'variable.other.property');
    });

    it('scopes `format` values as constant.language', () => {
      const line = '  format biologic-mpt';
      const toks = lineTokens(line, ['run a on b {']);
      assertToken(toks, line, 'format', 'variable.other.property');
      assertToken(toks, line, 'biologic-mpt', 'constant.language.format');
    });
  });

  describe('numbers and units', () => {
    const cases: [string, string, string][] = [
      ['temperature 25 °C', '25', '°C'],
      ['pressure 5 MPa', '5', 'MPa'],
      ['diameter 9 mm', '9', 'mm'],
      ['thickness 15 µm', '15', 'µm'],
      ['D_eff 9.62e-10 cm²/s', '9.62e-10', 'cm²/s'],
      ['ccd 1.5 mA/cm²', '1.5', 'mA/cm²'],
      ['loading 12 mg/cm²', '12', 'mg/cm²'],
      ['active 67 wt%', '67', 'wt%'],
      ['capacity 180 mAh/g', '180', 'mAh/g'],
      ['half-cycle 0.5 h', '0.5', 'h'],
      ['cutoff -0.4 V', '-0.4', 'V'],
      ['precycle 1 at 0.05 C', '0.05', 'C'],
      ['cycles 100 at 0.3 C', '0.3', 'C'],
    ];
    for (const [fragment, number, unit] of cases) {
      it(`scopes ${number} ${unit}`, () => {
        const { line, toks } = docLine(fragment);
        assertToken(toks, line, number, 'constant.numeric', occurrenceIn(line, fragment, number));
        const unitAt = fragment.lastIndexOf(unit);
        const unitOcc = occurrenceIn(line, fragment, unit) + countIn(fragment.slice(0, unitAt), unit);
        assertToken(toks, line, unit, 'keyword.other.unit', unitOcc);
      });
    }

    it('scopes unit spellings from the Units section', () => {
      const units = [
        'mA/cm2', 'mA/cm^2', 'mAh/cm²', 'mA h/cm²', 'mA h/cm2', 'mA·h/cm²', 'mA*h/cm2', 'g/cm³', 'g/mol',
        'mV', 'MHz', 'Hz', 'mHz', 'kΩ', 'ohm', 'Ω cm²', 'min', 's', 'd', 'bar', '%', 'ppm', 'Wh', 'µA', 'uA',
        'nm', 'kPa', 'GPa', 'mS/cm', 'K', 'mL', 'mmol', 'µF',
      ];
      for (const unit of units) {
        const line = `  x 2.5 ${unit}`;
        const toks = lineTokens(line);
        assertToken(toks, line, '2.5', 'constant.numeric');
        assertToken(toks, line, unit, 'keyword.other.unit');
      }
    });

    it('does not take following names or keywords for units', () => {
      const p = docLine('precycle 1 at 0.05 C');
      assertToken(p.toks, p.line, 'at', 'keyword.other', 1);
      assertNoScope(p.toks, p.line, 'at', 'keyword.other.unit', 1);
      assertToken(p.toks, p.line, '1', 'constant.numeric', occurrenceIn(p.line, 'precycle 1', '1'));
      const line = '  every 10 cycles';
      const toks = lineTokens(line, ['protocol e eis {']);
      assertToken(toks, line, '10', 'constant.numeric');
      assertNoScope(toks, line, 'cycles', 'keyword.other.unit');
      const mixed = '  stack Li 50 µm | LNT10F | Cu';
      const m = lineTokens(mixed, ['cell c half {']);
      assertToken(m, mixed, 'µm', 'keyword.other.unit');
      assertNoScope(m, mixed, '|', 'keyword.other.unit', 1);
    });

    it('scopes bare numbers in lists and ratios', () => {
      const { line, toks } = docLine('currents 0.5, 1, 2, 3 mA/cm²');
      for (const n of ['0.5', '1', '2']) assertToken(toks, line, n, 'constant.numeric');
      assertToken(toks, line, '3', 'constant.numeric');
      assertToken(toks, line, 'mA/cm²', 'keyword.other.unit');
      const r = docLine('ratio carbon : binder = 10 : 1');
      assertToken(r.toks, r.line, '10', 'constant.numeric');
      assertToken(r.toks, r.line, '1', 'constant.numeric', occurrenceIn(r.line, ': 1', '1'));
    });

    it('does not scope digits inside names as numbers', () => {
      const line = '  stack Cu | Li 50 µm | LNT10F | NCM9 | a-10 | b_2';
      const toks = lineTokens(line, ['cell c full {']);
      for (const name of ['LNT10F', 'NCM9', 'a-10', 'b_2']) assertNoScope(toks, line, name, 'constant.numeric');
    });
  });

  describe('operators, punctuation and keywords', () => {
    it('scopes : = | .. ± +/- , as keyword.operator', () => {
      const checks: [string, string, string][] = [
        ['carbon GMWNT : FG = 10 : 1', ':', 'keyword.operator.ratio'],
        ['carbon GMWNT : FG = 10 : 1', '=', 'keyword.operator.assignment'],
        ['stack Cu | Li 50 µm', '|', 'keyword.operator.layer'],
        ['window 2.8 V .. 4.3 V', '..', 'keyword.operator.range'],
        ['thickness 15 µm ± 0.5 µm', '±', 'keyword.operator.tolerance'],
        ['currents 0.5, 1, 2, 3 mA/cm²', ',', 'keyword.operator.comma'],
      ];
      for (const [fragment, op, scope] of checks) {
        const { line, toks } = docLine(fragment);
        assertToken(toks, line, op, scope);
      }
      const line = '  thickness 15 µm +/- 0.5 µm; window 2.8..4.3 V';
      const toks = lineTokens(line);
      assertToken(toks, line, '+/-', 'keyword.operator.tolerance');
      assertToken(toks, line, '0.5', 'constant.numeric');
      assertToken(toks, line, ';', 'punctuation.terminator.statement');
      assertToken(toks, line, '..', 'keyword.operator.range');
      assertToken(toks, line, '2.8', 'constant.numeric');
      assertToken(toks, line, '4.3', 'constant.numeric');
      const tight = '  thickness 15 µm +/-0.5 µm';
      assertToken(lineTokens(tight), tight, '0.5', 'constant.numeric');
    });

    it('scopes braces as punctuation.section.block', () => {
      const { line, toks } = docLine('composite LNT10F {');
      assertToken(toks, line, '{', 'punctuation.section.block.begin');
      const { tokens } = tokenize(['composite LNT10F {', '  binder PVDF', '}']);
      assertToken(tokens[2], '}', '}', 'punctuation.section.block.end');
      assertScope(tokens[1], '  binder PVDF', 'binder', 'meta.block');
      const stray = '}';
      assertToken(lineTokens(stray, []), stray, '}', 'invalid.illegal');
    });

    it('scopes at, on, every, short, stop as keyword.other', () => {
      const { line, toks } = docLine('stop on short');
      assertToken(toks, line, 'stop', 'keyword.other');
      assertToken(toks, line, 'on', 'keyword.other');
      assertToken(toks, line, 'short', 'keyword.other');
      assertNoScope(toks, line, 'stop', 'variable.other.property');
      const c = docLine('cycles 100 at 0.3 C');
      assertToken(c.toks, c.line, 'at', 'keyword.other', 2);
      assertToken(c.toks, c.line, 'precycle', 'variable.other.property');
      assertToken(c.toks, c.line, 'cycles', 'variable.other.property');
      const e = '  amplitude 10 mV; every 5 mAh/cm²';
      const toks2 = lineTokens(e, ['protocol z eis {']);
      assertToken(toks2, e, 'every', 'keyword.other');
      assertToken(toks2, e, 'amplitude', 'variable.other.property');
      assertToken(toks2, e, 'mAh/cm²', 'keyword.other.unit');
      // Keywords only as whole words: not inside names.
      const n = '  stack Li-at | short-on';
      const toks3 = lineTokens(n, ['cell c half {']);
      assertNoScope(toks3, n, 'Li-at', 'keyword');
      assertNoScope(toks3, n, 'short-on', 'keyword');
    });
  });
});

describe('cellspec language configuration', () => {
  interface LanguageConfiguration {
    comments: { lineComment: string };
    brackets: [string, string][];
    autoClosingPairs: { open: string; close: string; notIn?: string[] }[];
    surroundingPairs: [string, string][];
    indentationRules: { increaseIndentPattern: string; decreaseIndentPattern: string };
    onEnterRules?: { beforeText: string; afterText?: string }[];
    wordPattern: string;
  }
  let config: LanguageConfiguration;

  before(() => {
    config = JSON.parse(fs.readFileSync(CONFIG_PATH, 'utf8'));
  });

  it('parses as JSON with # comments and {} brackets', () => {
    assert.equal(config.comments.lineComment, '#');
    assert.deepEqual(config.brackets, [['{', '}']]);
  });

  it('auto-closes {} and "" outside strings and comments, and surrounds with them', () => {
    for (const [open, close] of [
      ['{', '}'],
      ['"', '"'],
    ]) {
      const pair = config.autoClosingPairs.find((p) => p.open === open);
      assert.ok(pair, `no auto-closing pair for ${open}`);
      assert.equal(pair.close, close);
      assert.deepEqual([...(pair.notIn ?? [])].sort(), ['comment', 'string']);
      assert.ok(config.surroundingPairs.some(([o, c]) => o === open && c === close), `no surrounding pair ${open}`);
    }
  });

  it('has indentation regexes that compile in JS and indent after { / outdent on }', () => {
    const inc = new RegExp(config.indentationRules.increaseIndentPattern);
    const dec = new RegExp(config.indentationRules.decreaseIndentPattern);
    for (const l of ['composite LNT10F {', 'cell sym-LNT10F symmetric {  ', 'study "a { b #c" {   # defaults', '  cathode NCM9 {']) {
      assert.ok(inc.test(l), `should indent after: ${l}`);
    }
    for (const l of ['  cathode NCM9 { loading 12 mg/cm² }', '  binder PVDF', '# open {', '  x 1   # {', 'study "{"', '}']) {
      assert.ok(!inc.test(l), `should not indent after: ${l}`);
    }
    for (const l of ['}', '  }', '\t} # end']) assert.ok(dec.test(l), `should outdent: ${l}`);
    for (const l of ['  binder PVDF', 'cell c half { }', '  x "}"']) assert.ok(!dec.test(l), `should not outdent: ${l}`);
    for (const rule of config.onEnterRules ?? []) {
      assert.doesNotThrow(() => new RegExp(rule.beforeText));
      if (rule.afterText) assert.doesNotThrow(() => new RegExp(rule.afterText as string));
    }
  });

  it('has a wordPattern that keeps names with - and _ as one word', () => {
    const word = new RegExp(config.wordPattern, 'g');
    assert.ok(!new RegExp(`^(?:${config.wordPattern})$`).test(''), 'wordPattern must not match the empty string');
    const line = 'run ccd-ramp on sym-LNT10F { D_eff 9.62e-10 cm²/s; half-cycle -0.5 h; molar-mass 6.94 g/mol }';
    const words: string[] = line.match(word) ?? [];
    for (const w of ['sym-LNT10F', 'ccd-ramp', 'D_eff', 'half-cycle', 'molar-mass', '9.62e-10', '-0.5', 'cm²']) {
      assert.ok(words.includes(w), `"${w}" should be one word, got ${JSON.stringify(words)}`);
    }
    for (const bad of ['{', ';', '}', '/']) assert.ok(!words.some((w) => w.includes(bad)), `no word contains ${bad}`);
  });
});
