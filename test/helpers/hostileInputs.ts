// Hostile inputs for the engine (10 MB lines, deep nesting, broken strings, lone surrogates, NUL,
// CR-only line endings), shared by the fuzz test, which checks each one under a watchdog, and the
// benchmark (bench/hostile.ts), which times each one and checks that its watchdog has a margin
// of at least ten times that figure.
import * as fs from 'fs';
import * as path from 'path';

const EXAMPLES = path.resolve(__dirname, '..', '..', '..', 'examples');
export const STUDY = fs.readFileSync(path.join(EXAMPLES, 'study.cellspec'), 'utf8');
export const MATERIALS = fs.readFileSync(path.join(EXAMPLES, 'materials.cellspec'), 'utf8');
/** The files beside the checked one: the study's import. */
export const FILES = { 'materials.cellspec': MATERIALS };

export interface HostileCase {
  name: string;
  /** 10 MB inputs: run alone, so they do not compete for the CPU. */
  heavy?: boolean;
  /**
   * After this long without a result the case counts as hung. At least ten times the time
   * `npm run bench` reports for it (bench/hostile.ts prints the margin), so a loaded machine
   * does not make it fail.
   */
  watchdogMs: number;
  build: () => string | string[];
}

const MB = 1024 * 1024;
const LIGHT_WATCHDOG_MS = 60_000;
const HEAVY_WATCHDOG_MS = 240_000;

/** A small deterministic PRNG (mulberry32), so the big random inputs are the same every run. */
function prng(seed: number): () => number {
  return () => {
    seed |= 0; seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Exactly `length` characters of `unit` repeated, on one line. */
function fill(unit: string, length: number): string {
  return unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
}

/** The example with its comments dropped and every line joined by ' ; ' into one line. */
function flatStudy(): string {
  return STUDY.split(/\r?\n/).map((l) => l.replace(/#.*/, '').trim()).filter(Boolean).join(' ; ') + ' ';
}

/** Each text of the example with the name of one declaration removed. */
function studyWithoutEachName(): string[] {
  const out: string[] = [];
  const re = /^(import|study|material|composite|cell|protocol|run) +(\S+)/gm;
  for (let m = re.exec(STUDY); m; m = re.exec(STUDY)) {
    const at = m.index + m[0].length - m[2].length;
    out.push(STUDY.slice(0, at) + STUDY.slice(at + m[2].length));
  }
  out.push(MATERIALS.replace(/^material \w+/gm, 'material'));
  return out;
}

const light = (name: string, build: HostileCase['build']): HostileCase => ({ name, build, watchdogMs: LIGHT_WATCHDOG_MS });
const heavy = (name: string, build: HostileCase['build']): HostileCase => ({ name, build, heavy: true, watchdogMs: HEAVY_WATCHDOG_MS });

export const HOSTILE: HostileCase[] = [
  light('an empty file', () => ''),
  light('only a BOM, blanks and line ends', () => '\uFEFF \t\n\r\n\r\u00a0\u2028'),
  light('only comments', () => '# a\n#\r#\r\n# "unterminated {'),
  light('10,000 nested "{" at top level', () => '{'.repeat(10000)),
  light('10,000 nested "{" inside a block', () => 'cell c symmetric {\n' + '{'.repeat(10000) + '\ncell d half { }\n'),
  light('10,000 nested "{" after property names', () => 'cell c full {\n  cathode NCM9 ' + 'a { '.repeat(10000)),
  light('10,000 nested "{" closed again', () => 'material X ' + '{'.repeat(10000) + '}'.repeat(10000) + '\nmaterial Y { role binder }\n'),
  light('10,000 unmatched "}"', () => 'material X { role binder }' + '}'.repeat(10000)),
  light('an unterminated string on each of 10,000 lines', () => 'run a on b {\n' + '  note "unterminated\n'.repeat(10000) + '}\n'),
  light('unterminated strings in every position', () => ['"', 'study "', 'study "abc\\', 'import "materials.cellspec', 'material X { formula "Li\\"', 'run a on b { data "x", "y\n}', STUDY.replace(/"([^"\n]*)"/g, '"$1')]),
  light('lone surrogates in names, strings, units and at the end', () => [
    '\uD800', '\uDC00', 'material \uD800 { role \uDFFF }', 'material X\uD800 { formula "\uDC00\uD800" }',
    'study "s" { pressure 5 M\uD800Pa; temperature 25 \uDFFF°C }', STUDY.replace(/ /g, (s, i: number) => (i % 37 === 0 ? '\uD800' : i % 41 === 0 ? '\uDC00' : s)), STUDY + '\uD83D',
  ]),
  light('NUL bytes', () => ['\0', '\0'.repeat(100000), STUDY.replace(/ /g, '\0'), STUDY.replace(/\n/g, '\0\n'), 'material X { formula "a\0b" }\0']),
  light('CR-only and mixed line endings', () => [STUDY.replace(/\r?\n/g, '\r'), STUDY.replace(/\r?\n/g, '\r\n'), STUDY.replace(/\r?\n/g, (s, i: number) => ['\r', '\n', '\r\n', '\n\r'][i % 4]), MATERIALS.replace(/\n/g, '\r')]),
  light('the example with each declaration name removed', studyWithoutEachName),
  light('numbers at the edges of double precision', () => 'study "s" { pressure 1e999 MPa; temperature -1e999 °C; diameter 1e-999 mm }\nprotocol p ccd { start 0 mA/cm²; step 1e-320 mA/cm²; half-cycle 1e308 h; until 1e308 mA/cm² }\nprotocol q cycling { window 2.8 V .. 4.3 V; cycles 1e21 at 0 C }\n'),
  light('a unit of 20,000 words ("5 m m m ...")', () => 'study "s" {\n  pressure 5 ' + 'm '.repeat(20000) + '\n}\n'),
  light('100,000 declarations that open a block, one per line', () => 'cell a b {\n'.repeat(100000)),
  light('70,000 declarations on one line', () => fill('material a { } ', MB)),
  // Did-you-mean suggestions: two long names that differ in one letter, and many unknown names
  // against many declared ones (each is a quadratic edit-distance search if done naively).
  light('two names of 100,000 characters that differ in one letter', () => 'material ' + 'a'.repeat(100000) + ' { role metal }\ncell c symmetric { stack ' + 'a'.repeat(99999) + 'b | LPSC }\n'),
  light('10,000 unknown names against 5,000 declared ones', () => Array.from({ length: 5000 }, (_, i) => `material m${i} { role binder }\n`).join('') +
    Array.from({ length: 5000 }, (_, i) => `cell c${i} symmetric { stack x${i} | y${i} }\n`).join('')),
  light('a circuit of 5,000 elements with 5,000 unknown parameters fixed', () => 'protocol e eis {\n  circuit "' + Array.from({ length: 5000 }, (_, i) => 'R' + i).join('-') + '"\n  fix ' +
    Array.from({ length: 5000 }, (_, i) => `Q${i} = 1`).join(', ') + '\n}\n'),
  light('a list of 200,000 currents in a Sand protocol with a run', () => STUDY.replace(/(protocol sand-series sand \{\s*currents )[^\n]*/, (_, head: string) => head +
    Array.from({ length: 200000 }, (_, i) => ((i % 100) + 1) / 100).join(', ') + ' mA/cm²')),
  heavy('10 MB single line of random printable characters', () => {
    const rnd = prng(7);
    // No '#' or '"': either would turn the rest of the line into one comment or string token.
    const alphabet = 'abcXYZ019 _-.:;,=|{}±µ²°%/^*·\t' + 'é漢字🔋\u00a0';
    const chars = [...alphabet];
    let s = '';
    for (let k = 0; k < 1024; k++) s += chars[Math.floor(rnd() * chars.length)];
    return fill(s, 10 * MB);
  }),
  heavy('10 MB single line: the example flattened and repeated', () => fill(flatStudy(), 10 * MB)),
  heavy('10 MB single line: one unterminated string', () => 'study "' + 'a'.repeat(10 * MB)),
];

/** The texts of a case (a case may build one text or several). */
export function hostileTexts(c: HostileCase): string[] {
  const built = c.build();
  return Array.isArray(built) ? built : [built];
}
