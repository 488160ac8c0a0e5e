// The LSP shapes of the two answers that grow with the document (server/lspEncode.ts): semantic
// tokens in LSP's relative encoding, and the outline with its ranges. Each is decoded here with
// line starts found independently (a regular expression over the text, not LineIndex) and
// compared with what the features say in offsets.
import { strict as assert } from 'assert';
import { semanticTokens, TOKEN_TYPES } from '../server/features/semanticTokens';
import { documentSymbols, MAX_DETAIL_CHARS, MAX_OUTLINE_ENTRIES } from '../server/features/symbols';
import { documentSymbolsData, semanticTokensData } from '../server/lspEncode';
import { MATERIALS } from './helpers/library';
import { analyzeText } from './helpers/memoryWorkspace';

const STUDY = MATERIALS + '# a cell\ncell c symmetric {\n  diameter 9 mm; pressure 5 MPa\n  stack Cu | Li 50 µm | LPSC 600 µm | Li 50 µm | Cu\n}\n' +
  'protocol p ccd { start 0.1 mA/cm²; step 0.1 mA/cm²; half-cycle 0.5 h }\nrun p on c { note "first \\"try\\"" }\n';

/** (line, character) of an offset, from line starts found by a regular expression. */
function positionsOf(text: string): (offset: number) => { line: number; character: number } {
  const starts = [0, ...[...text.matchAll(/\r\n|\r|\n/g)].map((m) => m.index! + m[0].length)];
  return (offset) => {
    let line = 0;
    while (line + 1 < starts.length && starts[line + 1] <= offset) line++;
    return { line, character: offset - starts[line] };
  };
}

function decode(data: number[]): { line: number; character: number; length: number; type: string; declaration: boolean }[] {
  const out = [];
  let line = 0, character = 0;
  for (let i = 0; i < data.length; i += 5) {
    const [dl, dc, length, type, mods] = data.slice(i, i + 5);
    line += dl;
    character = dl === 0 ? character + dc : dc;
    out.push({ line, character, length, type: TOKEN_TYPES[type], declaration: mods === 1 });
  }
  return out;
}

describe('LSP encoding of semantic tokens and the outline', () => {
  for (const [eol, name] of [['\n', 'LF'], ['\r\n', 'CRLF'], ['\r', 'CR-only'], ['\n\r', 'LF CR (two line ends)']] as const) {
    it(`semantic tokens decode to the feature's tokens at their line and character (${name} line ends)`, () => {
      const text = STUDY.replace(/\n/g, eol);
      const a = analyzeText(text);
      const at = positionsOf(text);
      const expected = semanticTokens(a).map((t) => ({ ...at(t.start), length: t.end - t.start, type: t.type, declaration: !!t.declaration }));
      assert.ok(expected.length > 80, `${expected.length} tokens`);
      assert.deepEqual(decode(semanticTokensData(a).data), expected);
      const cell = expected.find((t) => t.type === 'class' && t.declaration);
      assert.deepEqual(cell && { line: cell.line, character: cell.character }, at(text.indexOf('c symmetric')));
    });
  }

  it('the outline has a range and a selection range for every declaration and property, from the offsets', () => {
    const a = analyzeText(STUDY);
    const at = positionsOf(STUDY);
    const symbols = documentSymbols(a);
    const data = documentSymbolsData(a);
    assert.equal(data.length, symbols.length);
    const check = (s: (typeof symbols)[number], d: (typeof data)[number]) => {
      assert.deepEqual(d.range, { start: at(s.span.start), end: at(s.span.end) }, s.name);
      assert.deepEqual(d.selectionRange, { start: at(s.selection.start), end: at(s.selection.end) }, s.name);
      assert.equal(d.children!.length, s.children.length);
      s.children.forEach((c, i) => check(c, d.children![i]));
    };
    symbols.forEach((s, i) => check(s, data[i]));
    const cell = data.find((d) => d.name === 'c')!;
    assert.deepEqual(cell.children!.map((c) => c.name), ['diameter', 'pressure', 'stack']);
    assert.equal(cell.children![2].detail, 'Cu | Li 50 µm | LPSC 600 µm | Li 50 µm | Cu');
  });

  it('a property of 10,000 currents shows its first characters in the outline, cut with an ellipsis', () => {
    const currents = Array.from({ length: 10000 }, (_, i) => (i + 1) / 100).join(', ');
    const a = analyzeText(`protocol s sand {\n  currents ${currents} mA/cm²\n  cutoff -0.4 V\n}\n`);
    const [currentsSymbol, cutoff] = documentSymbols(a)[0].children;
    assert.equal(currentsSymbol.detail, currents.slice(0, MAX_DETAIL_CHARS) + '…');
    assert.equal(cutoff.detail, '-0.4 V');
  });

  it(`an outline of more than ${MAX_OUTLINE_ENTRIES.toLocaleString('en')} entries lists every declaration, without properties`, () => {
    const small = Array.from({ length: 10 }, (_, i) => `material m${i} { role binder; formula "C" }\n`).join('');
    assert.deepEqual(documentSymbols(analyzeText(small)).map((s) => s.children.length), new Array(10).fill(2));
    // 2,000 declarations of two properties each: 6,000 entries.
    const large = Array.from({ length: 2000 }, (_, i) => `material m${i} { role binder; formula "C" }\n`).join('');
    const symbols = documentSymbols(analyzeText(large));
    assert.equal(symbols.length, 2000);
    assert.deepEqual(symbols.slice(-1).map((s) => [s.name, s.children.length]), [['m1999', 0]]);
  });
});
