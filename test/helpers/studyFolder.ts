// A spec and its data files written to a folder and analysed as the editor would (a study
// session), every result checked against the JSON Schema of `cellspec analyze --json`.
import { strict as assert } from 'assert';
import Ajv from 'ajv';
import * as fs from 'fs';
import * as path from 'path';
import { URI } from 'vscode-uri';
import { analyzeSpec, SpecAnalysis } from '../../server/engine/specAnalysis';
import { Workspace } from '../../server/engine/workspace';
import { nodeFileSystem } from '../../server/nodeFileSystem';
import { buildReport } from '../../server/results/report';
import { RunOutcome, StudySession } from '../../server/results/study';

const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile(JSON.parse(fs.readFileSync(path.resolve('docs/analyze.schema.json'), 'utf8')));

/** Fails unless the report follows docs/analyze.schema.json, naming what does not. */
export function assertReportValid(report: unknown): void {
  assert.ok(validate(report), ajv.errorsText(validate.errors, { separator: '\n' }));
}

export interface StudiedFolder {
  a: SpecAnalysis;
  session: StudySession;
  outcomes: RunOutcome[];
  diagnostics: ReturnType<StudySession['diagnostics']>;
  report: ReturnType<typeof buildReport>;
}

/**
 * Writes `files` (a text, or a writer given the path) and the spec as s.cellspec into `dir`, with
 * the example materials as lib.cellspec beside them, and analyses it with its data.
 */
export async function studyFolder(dir: string, spec: string, files: Record<string, string | ((p: string) => void)>): Promise<StudiedFolder> {
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(path.resolve('examples/materials.cellspec'), path.join(dir, 'lib.cellspec'));
  for (const [f, content] of Object.entries(files)) {
    const p = path.join(dir, f);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    if (typeof content === 'string') fs.writeFileSync(p, content); else content(p);
  }
  const specPath = path.join(dir, 's.cellspec');
  fs.writeFileSync(specPath, spec);
  const a = analyzeSpec(new Workspace(nodeFileSystem), URI.file(specPath).toString())!;
  const session = new StudySession();
  assert.equal(await session.refresh(a, 1), true, 'the spec has runs with data');
  const outcomes = session.outcomes(a.file.uri, 1)!;
  const diagnostics = session.diagnostics(a, 1);
  const report = buildReport(a, diagnostics, outcomes);
  assertReportValid(report);
  return { a, session, outcomes, diagnostics, report };
}
