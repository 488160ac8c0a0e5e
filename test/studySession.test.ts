// The study session's bookkeeping of data results per document: results that arrive after the
// document was closed are dropped (a reopened document starts again at version 1, and must not be
// shown the closed one's results).
import { strict as assert } from 'assert';
import { analyzeSpec } from '../server/engine/specAnalysis';
import { Workspace } from '../server/engine/workspace';
import { RunJob } from '../server/results/jobs';
import { RunResult } from '../server/results/runResult';
import { DataRunner, StudySession } from '../server/results/study';
import { makeRoots } from '../server/roots';
import { MATERIALS, STUDY } from './helpers/hostileInputs';
import { LIBRARY, MemoryFileSystem, uriOf } from './helpers/memoryWorkspace';

const STUDY_URI = uriOf('study.cellspec'), LIB_URI = uriOf('materials.cellspec');

function analysis(text: string) {
  const ws = new Workspace(new MemoryFileSystem(), LIBRARY);
  ws.setDocument(LIB_URI, MATERIALS, 1);
  ws.setDocument(STUDY_URI, text, 1);
  return analyzeSpec(ws, STUDY_URI, { plausibility: true })!;
}

describe('study session', () => {
  it('drops the data results of a document closed while they were read', async () => {
    let release = () => {};
    const runner: DataRunner = {
      run: (_key: string, jobs: RunJob[]) => new Promise<RunResult[]>((resolve) => {
        release = () => resolve(jobs.map((j) => ({ run: j.run, protocol: j.protocol.name, type: j.protocol.type, cell: j.cell.name, files: [], plan: [], issues: [{ at: j.header, severity: 'warning', message: 'from the closed document' }] }) as unknown as RunResult));
      }),
      dispose: () => {},
    };
    const study = new StudySession(runner, { rootsFor: () => makeRoots(['/'], '') });
    const a = analysis(STUDY);
    assert.ok(study.jobsOf(a).length > 0, 'the study has data jobs');
    const refreshed = study.refresh(a, 1);
    study.forget(STUDY_URI);
    release();
    assert.equal(await refreshed, false);
    assert.equal(study.holds(STUDY_URI), false);
    const reopened = analysis('\n\n' + STUDY);
    assert.deepEqual(study.diagnostics(reopened, 1).filter((d) => /closed document/.test(d.message)), []);
  });

  it('asks a runner that can stop a request to stop the closed document\'s', () => {
    const cancelled: string[] = [];
    const study = new StudySession({ run: async () => [], cancel: (key) => cancelled.push(key), dispose: () => {} });
    study.forget(STUDY_URI);
    assert.deepEqual(cancelled, [STUDY_URI]);
  });
});
