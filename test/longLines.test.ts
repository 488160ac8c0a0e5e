// A spec line is a declaration header or a few properties. A line of megabytes (pasted data, an
// attack) is read up to MAX_LINE_CHARS and the rest of it is one diagnostic; the lines after it
// are checked as usual.
import { strict as assert } from 'assert';
import { MAX_LINE_CHARS } from '../server/engine/lexer';
import { analyzeSpec } from '../server/engine/specAnalysis';
import { MAIN_URI, memoryWorkspace } from './helpers/memoryWorkspace';

describe('overlong lines', () => {
  it('are read up to the limit and reported once; the next lines are still checked', () => {
    const junk = 'protocol p strip { current 0.5 mA/cm²; cutoff -0.4 V } '.repeat(200_000);
    const text = `${junk}\nmaterial Li { role metal; density 0.534 g/cm³; molar-mass 6.941 mm }\n`;
    const { ws } = memoryWorkspace({ 'main.cellspec': text });
    const a = analyzeSpec(ws, MAIN_URI)!;
    const long = a.diagnostics.filter((d) => d.code === 'line-too-long');
    assert.equal(long.length, 1);
    // Cut after the token that reaches the limit.
    assert.ok(long[0].start >= MAX_LINE_CHARS && long[0].start < MAX_LINE_CHARS + 100, String(long[0].start));
    assert.equal(long[0].end, junk.length);
    assert.match(long[0].message, new RegExp(`this line is ${junk.length.toLocaleString('en')} characters long; only its first 65,536 are read`));
    // The material on the next line is read: its molar mass in mm is a wrong dimension.
    assert.ok(a.diagnostics.some((d) => d.code === 'wrong-dimension' && d.start > junk.length), a.diagnostics.map((d) => d.code).join(', '));
  });

  it('a line just under the limit is read whole', () => {
    const line = 'material Li { role metal }' + ' '.repeat(MAX_LINE_CHARS - 30);
    const { ws } = memoryWorkspace({ 'main.cellspec': line + '\n' });
    assert.ok(!analyzeSpec(ws, MAIN_URI)!.diagnostics.some((d) => d.code === 'line-too-long'));
  });
});
