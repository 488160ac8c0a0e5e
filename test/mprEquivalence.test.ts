// An EC-Lab .mpr and its .mpt text export give the same figures: the same columns to float32
// precision, and the same results from every analysis a run of a spec asks for.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { analyzeSpec } from '../server/engine/specAnalysis';
import { Workspace } from '../server/engine/workspace';
import { fileUri, nodeFileSystem } from '../server/nodeFileSystem';
import { readDataFile } from '../server/readers';
import { buildReport } from '../server/results/report';
import { StudySession } from '../server/results/study';
import { writeMpt } from './helpers/mptExport';
import { fixture, float32Close } from './helpers/references';

const MATERIALS = `material Li { role metal; density 0.534 g/cm³; molar-mass 6.941 g/mol }
material LPSC { role electrolyte }
material NCM { role cathode; capacity 180 mAh/g; window 2.5 V .. 4.6 V }
`;

describe('an .mpr and its .mpt export give the same figures', function () {
  this.timeout(120000);
  let dir: string;
  before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cellspec-mpr-mpt-')); });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const name of ['cellpy_biol.mpr', 'navani_jdb11-1_c3_gcpl_5cycles_2V-3p8V_C-24_data_C09.mpr', 'navani_00_test_02_MB_C01.mpr']) {
    it(`reads the same columns from ${name} and its .mpt`, async () => {
      const mpr = await readDataFile(fixture(name));
      const mptFile = path.join(dir, name.replace(/\.mpr$/, '.mpt'));
      writeMpt(mpr, mptFile);
      const mpt = await readDataFile(mptFile);
      assert.equal(mpt.format, 'biologic-mpt');
      assert.equal(mpt.rows, mpr.rows);
      for (const c of mpr.columns) {
        const d = mpt.columns.find((x) => x.name === c.name);
        assert.ok(d, `${c.name} is in the .mpt`);
        assert.equal(d.kind, c.kind, c.name);
        for (let r = 0; r < mpr.rows; r++) assert.ok(float32Close(d.values[r], c.values[r], 1e-12), `${c.name} row ${r}: ${d.values[r]} vs ${c.values[r]}`);
      }
    });
  }

  it('a cycling run and a strip run of a spec give the same results from either file', async () => {
    const gcpl = 'navani_jdb11-1_c3_gcpl_5cycles_2V-3p8V_C-24_data_C09.mpr';
    fs.copyFileSync(fixture(gcpl), path.join(dir, 'gcpl.mpr'));
    writeMpt(await readDataFile(fixture(gcpl)), path.join(dir, 'gcpl.mpt'));
    const spec = `${MATERIALS}
cell full full { diameter 9 mm; stack Li 50 µm | LPSC 600 µm | NCM; cathode NCM { loading 12 mg/cm²; active 67 wt%; capacity 180 mAh/g } }
protocol cyc cycling { window 2 V .. 3.8 V; 1C = 180 mAh/g; cycles 5 at 0.04 C }
protocol strip-to-2V strip { current 0.01 mA/cm²; cutoff 2 V }
run cyc on full { data "gcpl.mpr" }
run cyc on full { data "gcpl.mpt" }
run strip-to-2V on full { data "gcpl.mpr" }
run strip-to-2V on full { data "gcpl.mpt" }
`;
    const specFile = path.join(dir, 'study.cellspec');
    fs.writeFileSync(specFile, spec);
    const a = analyzeSpec(new Workspace(nodeFileSystem), fileUri(specFile))!;
    const study = new StudySession();
    await study.refresh(a, 0);
    const runs = buildReport(a, [], study.outcomes(a.file.uri, 0)!).runs;
    assert.equal(runs.length, 4);
    const figures = (r: (typeof runs)[number]): string => JSON.stringify(r.results);
    assert.ok(figures(runs[0]).includes('"cycling":{"ok":true'), figures(runs[0]).slice(0, 300));
    for (const [x, y] of [[0, 1], [2, 3]]) {
      assert.equal(runs[x].files[0].format, 'biologic-mpr');
      assert.equal(runs[y].files[0].format, 'biologic-mpt');
      // Numbers equal to float32 precision: compare them one by one.
      const nx = figures(runs[x]).match(/-?\d+(\.\d+)?(e[-+]?\d+)?/g)!, ny = figures(runs[y]).match(/-?\d+(\.\d+)?(e[-+]?\d+)?/g)!;
      assert.equal(nx.length, ny.length);
      nx.forEach((v, i) => assert.ok(float32Close(Number(v), Number(ny[i]), 1e-9), `figure ${i}: ${v} vs ${ny[i]}`));
    }
  });
});
