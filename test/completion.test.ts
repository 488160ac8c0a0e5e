// Completion and templates that know where they are, the "create material" quick fix, and a
// planned run without data: on in-memory documents with the standard library, the cursor marked
// with `‸` (test/helpers/cursor.ts).
import { strict as assert } from 'assert';
import { codeActions } from '../server/features/codeActions';
import { complete, CompletionItem } from '../server/features/completion';
import { hover } from '../server/features/hover';
import { analyzeSpec } from '../server/engine/specAnalysis';
import { cursorAt } from './helpers/cursor';
import { analyzeText, MAIN_URI, memoryWorkspace, show } from './helpers/memoryWorkspace';

const withLibrary = (text: string) => analyzeText(text, {}, {}, { library: true });
const at = (src: string) => { const { text, offset } = cursorAt(src); return complete(withLibrary(text), offset); };
const item = (items: CompletionItem[], label: string) => { const i = items.find((x) => x.label === label); assert.ok(i, `'${label}' in [${items.map((x) => x.label).join(', ')}]`); return i; };

/** What a snippet inserts when the user only tabs through it: every placeholder's default, every choice's first option. */
function defaults(snippet: string): string {
  return snippet
    .replace(/\$\{\d+\|((?:[^|\\]|\\.)*?)(?:,(?:[^|\\]|\\.)*)*\|\}/g, (_m, first: string) => first)
    .replace(/\$\{\d+:((?:[^}\\]|\\.)*)\}/g, (_m, d: string) => d)
    .replace(/\$\d+/g, '')
    .replace(/\\([\\$},|])/g, '$1');
}

const CELLS = 'cell sym symmetric { diameter 9 mm; stack Cu | Li 50 µm | LPSC 600 µm | Li 50 µm | Cu }\ncell full-c full { diameter 9 mm; stack Cu | Li 50 µm | LPSC 600 µm | NCM811; cathode NCM811 { loading 10 mg/cm²; active 70 wt% } }\n';
const PROTOCOLS = 'protocol ramp ccd { start 0.1 mA/cm²; step 0.1 mA/cm²; half-cycle 0.5 h }\nprotocol imp eis { amplitude 10 mV; frequencies 1 MHz .. 0.1 Hz }\nprotocol strip-eis strip { current 0.5 mA/cm²; cutoff -0.4 V; eis imp }\n';

const TOOLKIT = 'cell pellet blocking { diameter 10 mm; stack SS | LPSC 600 µm | SS }\n'
  + 'protocol sigma conductivity { amplitude 10 mV; frequencies 7 MHz .. 1 Hz }\n'
  + 'protocol arr arrhenius { temperatures -20, 0, 25, 50, 80 °C; amplitude 10 mV; frequencies 7 MHz .. 1 Hz }\n'
  + 'protocol gitt-1 gitt { current 0.1 mA/cm²; pulse 10 min; rest 1 h }\n'
  + 'protocol plating symmetric-cycling { current 0.5 mA/cm²; capacity 0.5 mAh/cm² }\n'
  + 'protocol sigma-e dc-polarisation { voltage 0.5 V; hold 10 h }\n';

describe('completion: inserted values are tab stops', () => {
  it('inserts a material\'s density as a tab stop, so typing a value replaces it', () => {
    const density = item(at('material m {\n  role metal\n  ‸\n}\n'), 'density');
    assert.equal(density.insertText, 'density ${1:0.534} g/cm³');
    assert.equal(density.snippet, true);
  });

  it('gives a range its two ends as tab stops and an enum its words as a choice', () => {
    assert.equal(item(at('protocol p cycling {\n  ‸\n}\n'), 'window').insertText, 'window ${1:2.8} V .. ${2:4.3} V');
    assert.equal(item(at('material m {\n  ‸\n}\n'), 'role').insertText, 'role ${1|metal,alloy,carbon,binder,electrolyte,cathode,collector|}');
  });

  it('offers a CCD ramp whose defaults agree: until above start, in steps of 0.1 mA/cm²', () => {
    const items = at('protocol p ccd {\n  ‸\n}\n');
    assert.equal(item(items, 'start').insertText, 'start ${1:0.1} mA/cm²');
    assert.equal(item(items, 'step').insertText, 'step ${1:0.1} mA/cm²');
    assert.equal(item(items, 'until').insertText, 'until ${1:2} mA/cm²');
    // The required properties come first.
    const sorted = [...items].sort((x, y) => x.sortText!.localeCompare(y.sortText!)).map((x) => x.label);
    assert.deepEqual(sorted.slice(0, 3).sort(), ['half-cycle', 'start', 'step']);
  });

  it('offers the visible names as choices where a template names something, the example\'s first', () => {
    const cathode = item(at('cell c full {\n  ‸\n}\n'), 'cathode').insertText!;
    assert.match(cathode, /^cathode \$\{1\|NCM9,NCM811,LFP,LCO\|\} \{ loading \$\{2:12\} mg\/cm²; active \$\{3:67\} wt%; capacity \$\{4:180\} mAh\/g \}$/);
    const binder = item(at('composite x {\n  ‸\n}\n'), 'binder').insertText;
    assert.equal(binder, 'binder ${1|PVDF,PTFE|}');
    const eis = item(at(PROTOCOLS + 'protocol s strip {\n  ‸\n}\n'), 'eis').insertText;
    assert.equal(eis, 'eis ${1:imp}', 'the one eis protocol visible, as the default');
  });
});

describe('completion: the properties of the run\'s protocol', () => {
  const run = (proto: string) => at(CELLS + PROTOCOLS + `run ${proto} on sym {\n  ‸\n}\n`).map((i) => i.label);

  it('offers no circuit, fix, bound or stripped in a CCD run', () => {
    const labels = run('ramp');
    for (const k of ['circuit', 'fix', 'bound', 'stripped']) assert.ok(!labels.includes(k), `${k} in a ccd run: [${labels.join(', ')}]`);
    for (const k of ['data', 'format', 'note', 'columns']) assert.ok(labels.includes(k), k);
  });

  it('offers them in an eis run and in a run whose protocol takes spectra', () => {
    for (const proto of ['imp', 'strip-eis']) {
      const labels = run(proto);
      for (const k of ['circuit', 'fix', 'bound', 'stripped']) assert.ok(labels.includes(k), `${k} in a run of ${proto}`);
    }
  });

  it('offers the fit\'s circuit, fix and bound in a conductivity run, but no stripped capacities or temperatures', () => {
    const labels = at(TOOLKIT + 'run sigma on pellet {\n  ‸\n}\n').map((i) => i.label);
    for (const k of ['circuit', 'fix', 'bound']) assert.ok(labels.includes(k), k);
    for (const k of ['stripped', 'temperatures']) assert.ok(!labels.includes(k), `${k} in a conductivity run: [${labels.join(', ')}]`);
  });

  it('offers temperatures only in an Arrhenius run', () => {
    assert.ok(at(TOOLKIT + 'run arr on pellet {\n  ‸\n}\n').some((i) => i.label === 'temperatures'));
    for (const proto of ['ramp', 'imp', 'gitt-1', 'plating', 'sigma-e']) {
      const labels = at(CELLS + PROTOCOLS + TOOLKIT + `run ${proto} on sym {\n  ‸\n}\n`).map((i) => i.label);
      assert.ok(!labels.includes('temperatures'), `temperatures in a run of ${proto}`);
    }
  });

  it('offers none of the spectra\'s properties in a GITT, symmetric-cycling or DC polarisation run', () => {
    for (const proto of ['gitt-1', 'plating', 'sigma-e']) {
      const labels = at(CELLS + TOOLKIT + `run ${proto} on sym {\n  ‸\n}\n`).map((i) => i.label);
      for (const k of ['circuit', 'fix', 'bound', 'stripped', 'temperatures']) assert.ok(!labels.includes(k), `${k} in a run of ${proto}`);
    }
  });

  it('offers everything in a run whose protocol is not declared yet', () => {
    const labels = at(CELLS + 'run nowhere on sym {\n  ‸\n}\n').map((i) => i.label);
    for (const k of ['circuit', 'stripped', 'temperatures']) assert.ok(labels.includes(k), k);
  });

  it('opens the quotes of data and asks for the files at once', () => {
    const data = item(at(CELLS + PROTOCOLS + 'run ramp on sym {\n  ‸\n}\n'), 'data');
    assert.equal(data.insertText, 'data "$1"');
    assert.equal(data.retrigger, true);
  });
});

describe('completion: data paths inside data "..."', () => {
  const files = {
    'data/ccd-Li.mpt': '', 'data/ccd-Li.mpr': '', 'data/eis/a.mpt': '', 'data/notes.md': '', 'data/.hidden.mpt': '', 'data/run.041': '', 'other.cellspec': '',
  };
  const paths = (src: string) => {
    const { text, offset } = cursorAt(CELLS + PROTOCOLS + src);
    const { ws } = memoryWorkspace({ ...files, [MAIN_URI]: text }, { library: true });
    const a = analyzeSpec(ws, MAIN_URI)!;
    return { items: complete(a, offset, { listDirectory: (u) => ws.listDirectory(u) }), offset };
  };

  it('lists the folders and the instrument files of the folder typed, relative to the spec', () => {
    const { items, offset } = paths('run ramp on sym {\n  data "data/‸"\n}\n');
    assert.deepEqual(items.map((i) => i.label), ['eis/', 'ccd-Li.mpr', 'ccd-Li.mpt', 'run.041']);
    assert.deepEqual(items.map((i) => i.kind), ['folder', 'file', 'file', 'file']);
    for (const i of items) assert.deepEqual(i.range, { start: offset, end: offset }, 'inserted after the slash');
    assert.equal(items[0].retrigger, true, 'a folder opens its own listing');
  });

  it('replaces the part of the name typed, also in an unterminated string', () => {
    const { items, offset } = paths('run ramp on sym {\n  data "data/cc‸\n}\n');
    assert.deepEqual(items.map((i) => i.label), ['eis/', 'ccd-Li.mpr', 'ccd-Li.mpt', 'run.041']);
    assert.deepEqual(items[1].range, { start: offset - 2, end: offset });
  });

  it('starts at the spec\'s folder and leaves out specs, notes and hidden files', () => {
    const { items } = paths('run ramp on sym {\n  data "‸"\n}\n');
    assert.deepEqual(items.map((i) => i.label), ['data/']);
  });

  it('completes no other string, and nothing where nothing can be listed', () => {
    assert.deepEqual(paths('run ramp on sym {\n  note "data/‸"\n}\n').items, []);
    assert.deepEqual(paths('run ramp on sym {\n  data "nowhere/‸"\n}\n').items, []);
    assert.deepEqual(paths('run ramp on sym {\n  data "data/*/‸"\n}\n').items, [], 'a glob is not a folder');
  });
});

describe('templates: declarations that check clean as inserted', () => {
  const top = (doc: string) => at(doc + '‸');

  it('has one protocol template per type, each with its required properties', () => {
    const labels = top('').map((i) => i.label);
    for (const t of ['ccd', 'strip', 'sand', 'cycling', 'rate', 'eis', 'conductivity', 'arrhenius', 'gitt', 'symmetric-cycling', 'dc-polarisation']) assert.ok(labels.includes(`protocol ${t}`), t);
    const ccd = defaults(item(top(''), 'protocol ccd').insertText!);
    assert.equal(ccd, 'protocol ccd-ramp ccd {\n  start 0.1 mA/cm²\n  step 0.1 mA/cm²\n  half-cycle 0.5 h\n  until 2 mA/cm²\n  stop on short\n}');
    assert.match(item(top(''), 'protocol eis').insertText!, /amplitude \$\{2:10\} mV\n {2}frequencies \$\{3:1\} MHz \.\. \$\{4:0\.1\} Hz/);
  });

  it('gives every template, tabbed through, a declaration with no error and no warning', () => {
    const context = CELLS + PROTOCOLS;
    for (const i of top(context)) {
      if (i.label === 'compare') continue; // a comparison needs builds with replicates: below
      const inserted = defaults(i.insertText!);
      const doc = context + inserted + '\n';
      const a = withLibrary(i.label === 'study' ? inserted + '\n' + context : i.label === 'import' ? inserted + '\n' + context : doc);
      const problems = a.diagnostics.filter((d) => d.severity === 'error' || d.severity === 'warning')
        .filter((d) => !(i.label === 'import' && d.code === 'import-not-found'));
      assert.deepEqual(problems.map((d) => show(d, a.file.text)), [], `${i.label}:\n${inserted}`);
    }
  });

  it('gives the compare template two different builds, which check clean when they have replicates with runs', () => {
    const builds = 'cell a symmetric { diameter 9 mm; stack Cu | Li 50 µm | LPSC 600 µm | Li 50 µm | Cu; replicates a-1, a-2 }\n'
      + 'cell b symmetric { diameter 9 mm; stack Cu | Li 50 µm | LPSC 600 µm | Li 50 µm | Cu; replicates b-1, b-2 }\n'
      + PROTOCOLS + ['a-1', 'a-2', 'b-1', 'b-2'].map((c) => `run ramp on ${c} { data "${c}.mpt" }\n`).join('');
    const inserted = defaults(item(top(builds), 'compare').insertText!);
    assert.equal(inserted, 'compare builds {\n  builds a, b\n}');
    const a = withLibrary(builds + inserted + '\n');
    const problems = a.diagnostics.filter((d) => d.severity === 'error' || d.severity === 'warning');
    assert.deepEqual(problems.map((d) => show(d, a.file.text)), []);
  });

  it('leaves no trailing whitespace on any line of a template', () => {
    for (const i of top(CELLS + PROTOCOLS)) {
      defaults(i.insertText!).split('\n').forEach((l, n) => assert.ok(!/[ \t]$/.test(l), `${i.label}, line ${n + 1}: '${l}'`));
    }
  });

  it('gives a cell its diameter unless the study sets one for every cell', () => {
    assert.match(defaults(item(top(''), 'cell').insertText!), /^cell name symmetric \{\n {2}diameter 9 mm\n {2}stack /);
    assert.doesNotMatch(defaults(item(top('study "s" { area 1 cm² }\n'), 'cell').insertText!), /diameter/);
  });

  it('offers the visible protocols and cells as the run template\'s choices', () => {
    const run = item(top(CELLS + PROTOCOLS), 'run').insertText;
    assert.equal(run, 'run ${1|ramp,imp,strip-eis|} on ${2|sym,full-c|} {\n  note "${3:what this run is for}"\n}');
  });

  it('names a new protocol so it does not clash with one already declared', () => {
    const ccd = item(top('protocol ccd-ramp ccd { start 0.1 mA/cm²; step 0.1 mA/cm²; half-cycle 0.5 h }\n'), 'protocol ccd').insertText!;
    assert.match(ccd, /^protocol \$\{1:ccd-ramp-2\} ccd \{/);
  });

  it('completes a protocol type written before its block with the block and its required properties', () => {
    const sand = item(at('protocol p ‸'), 'sand');
    assert.equal(sand.insertText, 'sand {\n  currents ${1:0.5}, ${2:1}, ${3:2}, ${4:3} mA/cm²\n  cutoff ${5:-0.4} V\n}');
    const typed = item(at('protocol p sa‸ {\n  cutoff -0.4 V\n}\n'), 'sand');
    assert.equal(typed.insertText, undefined, 'a block already follows: the type alone');
  });
});

describe('a planned run without data', () => {
  it('is no error and no warning: a plan', () => {
    const a = withLibrary(CELLS + PROTOCOLS + 'run ramp on sym {\n  note "CCD of bare Li"\n}\n');
    assert.deepEqual(a.diagnostics.map((d) => show(d, a.file.text)), []);
  });

  it('says so on hover, and how to attach its data', () => {
    const { text, offset } = cursorAt(CELLS + PROTOCOLS + 'r‸un ramp on sym {\n  note "CCD of bare Li"\n}\n');
    assert.match(hover(withLibrary(text), offset)!.markdown, /\*\*planned\*\*: no data yet\. Add `data "file"`/);
    const withData = cursorAt(CELLS + PROTOCOLS + 'r‸un ramp on sym {\n  data "ccd.mpt"\n}\n');
    assert.doesNotMatch(hover(withLibrary(withData.text), withData.offset)?.markdown ?? '', /planned/);
  });
});

describe('quick fix: create material X', () => {
  const create = (src: string) => {
    const { text, offset } = cursorAt(src);
    const a = withLibrary(text);
    const action = codeActions(a, { start: offset, end: offset }).find((c) => c.title.startsWith('Create material'));
    assert.ok(action, `no create-material action in ${JSON.stringify(codeActions(a, { start: offset, end: offset }).map((c) => c.title))}`);
    const e = action.edits[0];
    return { action, text, after: text.slice(0, e.start) + e.newText + text.slice(e.end) };
  };

  it('adds the material after the file\'s last material, and the name is then defined', () => {
    const { action, after } = create('material LPSCl-Br { role electrolyte }\n\ncell c symmetric { diameter 9 mm; stack Cu | Li 50 µm | LP‸SB 600 µm | Li 50 µm | Cu }\n');
    assert.equal(action.title, "Create material 'LPSB'");
    assert.equal(after, 'material LPSCl-Br { role electrolyte }\n\nmaterial LPSB {\n  role electrolyte\n}\n\ncell c symmetric { diameter 9 mm; stack Cu | Li 50 µm | LPSB 600 µm | Li 50 µm | Cu }\n');
    assert.deepEqual(withLibrary(after).diagnostics.map((d) => show(d, after)), []);
    assert.equal(action.snippet!.text, '\n\nmaterial LPSB {\n  role ${1|electrolyte,metal,alloy,carbon,binder,cathode,collector|}\n}');
  });

  it('in a file without materials, puts it after the study, above the comments that head the cells', () => {
    const { after } = create('study "s" { diameter 9 mm }\n\n# --- cells\n\n# bare Li\ncell c symmetric { stack Cu | Li 50 µm | LP‸SB 600 µm | Li 50 µm | Cu }\n');
    assert.equal(after, 'study "s" { diameter 9 mm }\n\nmaterial LPSB {\n  role electrolyte\n}\n\n# --- cells\n\n# bare Li\ncell c symmetric { stack Cu | Li 50 µm | LPSB 600 µm | Li 50 µm | Cu }\n');
  });

  it('in a file that starts with its cells, puts it above the first cell and its comment, below nothing else', () => {
    const { after } = create('# bare Li\ncell c symmetric { diameter 9 mm; stack Cu | Li 50 µm | LP‸SB 600 µm | Li 50 µm | Cu }\n');
    assert.equal(after, 'material LPSB {\n  role electrolyte\n}\n\n# bare Li\ncell c symmetric { diameter 9 mm; stack Cu | Li 50 µm | LPSB 600 µm | Li 50 µm | Cu }\n');
  });

  it('makes a cathode of a name used as one, with the capacity and window its C-rates need', () => {
    const { action, after } = create('cell f full { diameter 9 mm; stack Cu | Li 50 µm | LPSC 600 µm | NMC622; cathode NMC‸622 { loading 10 mg/cm²; active 70 wt% } }\n');
    assert.equal(action.snippet!.text, 'material NMC622 {\n  role ${1|cathode,metal,alloy,carbon,binder,electrolyte,collector|}\n  capacity ${2:180} mAh/g\n  window ${3:2.5} V .. ${4:4.6} V\n}\n\n');
    const a = withLibrary(after);
    assert.deepEqual(a.diagnostics.map((d) => show(d, after)), []);
    assert.ok(a.derived.some((d) => d.key === 'cell.cathodeCapacity' && d.owner === 'f'), 'the cell now has a cathode capacity');
  });

  it('makes a binder of a composite\'s binder, and offers no creation for a defined name', () => {
    const { action } = create('composite x {\n  carbon GMWNT\n  binder PA‸A\n  ratio carbon : binder = 10 : 1\n  thickness 15 µm\n}\n');
    assert.match(action.snippet!.text, /role \$\{1\|binder,/);
    const { text, offset } = cursorAt('cell c symmetric { diameter 9 mm; stack C‸u | Li 50 µm | LPSC 600 µm | Li 50 µm | Cu }\n');
    assert.ok(!codeActions(withLibrary(text), { start: offset, end: offset }).some((c) => c.title.startsWith('Create')));
  });
});
