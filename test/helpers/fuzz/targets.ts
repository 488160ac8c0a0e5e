// The fuzz targets: what a case is (a fast-check arbitrary of plain, JSON-able values) and the
// oracle it runs through. The campaign (bench/fuzz.ts) spreads its budget over them by weight;
// the regression test (test/fuzzRegressions.test.ts) replays every saved case through `run`.
import * as fc from 'fast-check';
import { FormatId } from '../../../server/readers/types';
import { FILES, MATERIALS, STUDY } from '../hostileInputs';
import { circuitString, FitCase, fitCase } from './circuitInputs';
import { checkCircuitParse, checkFit } from './circuitOracle';
import { DataCase, dataCase, fixtureSource, freezeCase, junkSource, mptSource, Source, tableSource, workbookSource } from './dataInputs';
import { checkFeatures, Phase } from './engineOracle';
import { BinaryReader, parseCase, readCase } from './readerOracle';
import { codePoint, codeUnit, featureOffsets, grammarDocument, lineEnding, mutate, mutations, tokenSoup } from './specInputs';

export interface FuzzTarget<T = unknown> {
  name: string;
  /** What the target fuzzes, for the summary. */
  what: string;
  /** Its share of a campaign's cases. */
  weight: number;
  arbitrary: fc.Arbitrary<T>;
  /** Throws (or rejects) when the case breaks a promise. */
  run(value: T, phase: Phase): void | Promise<void>;
  /** The same case, self-contained (made bytes instead of a recipe), as a finding is kept. */
  freeze?(value: T): T;
}

interface SpecCase { text: string; materials?: string; offsets: number[]; plausibility: boolean }

const specCase = (texts: fc.Arbitrary<{ text: string; materials?: string }>): fc.Arbitrary<SpecCase> =>
  fc.tuple(texts, featureOffsets, fc.boolean()).map(([t, offsets, plausibility]) => ({ ...t, offsets, plausibility }));

const runSpec = (c: SpecCase, phase: Phase) =>
  checkFeatures(c.text, c.materials === undefined ? FILES : { 'materials.cellspec': c.materials }, c.offsets, phase, { plausibility: c.plausibility });

const HEADS = ['study "s"', 'material M', 'composite C', 'cell c symmetric', 'cell c full', 'protocol p ccd', 'protocol p strip',
  'protocol p sand', 'protocol p cycling', 'protocol p rate', 'protocol p eis', 'run ccd-ramp on sym-Li'];

const randomText = fc.oneof(
  fc.string({ maxLength: 400 }), fc.string({ unit: 'grapheme', maxLength: 200 }), fc.string({ unit: codePoint, maxLength: 200 }),
  fc.string({ unit: codeUnit, maxLength: 300 }), tokenSoup,
  fc.tuple(fc.constantFrom(...HEADS), tokenSoup, fc.boolean()).map(([head, body, closed]) => `import "materials.cellspec"\n${head} {\n${body}${closed ? '\n}' : ''}\n`),
).map((text) => ({ text }));

const mutatedText = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(fc.limitShrink(mutations, 200), fc.option(lineEnding, { nil: undefined })).map(([ms, eol]) => ({ text: eol ? mutate(STUDY, ms).replace(/\r?\n/g, eol) : mutate(STUDY, ms) })) },
  { weight: 1, arbitrary: fc.limitShrink(mutations, 100).map((ms) => ({ text: STUDY, materials: mutate(MATERIALS, ms) })) },
);

const TEXT_FORMATS: FormatId[] = ['biologic-mpt', 'csv', 'arbin', 'neware', 'land', 'maccor', 'zplot', 'gamry', 'eis-csv', 'biologic-mpr'];
const textTarget = (name: string, what: string, weight: number, sources: fc.Arbitrary<Source>): FuzzTarget<DataCase> =>
  ({ name, what, weight, arbitrary: dataCase(sources, { formats: TEXT_FORMATS }), run: (c) => readCase(c), freeze: freezeCase });
const binaryTarget = (name: BinaryReader, what: string, weight: number, sources: fc.Arbitrary<Source>, zip = false): FuzzTarget<DataCase> =>
  ({ name, what, weight, arbitrary: dataCase(sources, { zip, viaFile: true }), run: (c) => parseCase(name, c), freeze: freezeCase });

export const TARGETS: FuzzTarget<any>[] = [ // eslint-disable-line @typescript-eslint/no-explicit-any
  { name: 'spec-random', what: 'analyzeSpec and every feature on random text', weight: 12, arbitrary: specCase(randomText), run: runSpec } as FuzzTarget<SpecCase>,
  { name: 'spec-mutated', what: 'analyzeSpec and every feature on the example study or its library mutated', weight: 14, arbitrary: specCase(mutatedText), run: runSpec } as FuzzTarget<SpecCase>,
  { name: 'spec-grammar', what: 'analyzeSpec and every feature on documents generated from the schema', weight: 16, arbitrary: specCase(grammarDocument.map((text) => ({ text }))), run: runSpec } as FuzzTarget<SpecCase>,
  { name: 'circuit-parse', what: 'parseCircuit on well-formed, broken and deeply nested circuits', weight: 8, arbitrary: circuitString, run: (s: string) => checkCircuitParse(s) } as FuzzTarget<string>,
  { name: 'circuit-fit', what: 'fitCircuit, linKK and computeDrt on random circuits and spectra', weight: 2, arbitrary: fitCase, run: (k: FitCase) => checkFit(k) } as FuzzTarget<FitCase>,
  textTarget('text-mpt', 'EC-Lab .mpt: the PEIS fixtures and generated GCPL exports', 4, fc.oneof(fixtureSource('exampleDataBioLogic.mpt', 'exampleDataBioLogic_MissingFreq.mpt'), mptSource)),
  textTarget('text-csv', 'CSV, TSV and semicolon tables, generated', 3.5, tableSource('csv')),
  textTarget('text-arbin', 'Arbin CSV: the fixture and generated', 3, fc.oneof(fixtureSource('arbin_FastCharge_000025_CH8.csv'), tableSource('arbin'))),
  textTarget('text-neware', 'Neware CSV (English, Chinese), generated', 3, tableSource('neware')),
  textTarget('text-land', 'LAND text exports, generated', 3, tableSource('land')),
  textTarget('text-maccor', 'Maccor: the EIS fixture and generated cycler exports', 3, fc.oneof(fixtureSource('maccor_eis_4267-66-6519.EDA0001.041'), tableSource('maccor'))),
  textTarget('text-zplot', 'ZPlot .z: the fixture', 3, fixtureSource('exampleDataZPlot.z')),
  textTarget('text-gamry', 'Gamry .DTA: the fixture', 3, fixtureSource('exampleDataGamry.DTA')),
  textTarget('text-eis-csv', 'EIS CSV and whitespace triples: the fixtures and generated', 3, fc.oneof(fixtureSource('exampleData.csv', 'pyDRTtools_LIB_data.txt'), tableSource('eis-csv'))),
  { name: 'xlsx', what: 'xlsx and xls workbooks (LAND, Neware, tables), zip parts altered', weight: 4, arbitrary: dataCase(workbookSource, { zip: true, formats: ['land', 'neware', 'arbin', 'csv'] }), run: (c: DataCase) => readCase(c), freeze: freezeCase } as FuzzTarget<DataCase>,
  binaryTarget('mpr', 'EC-Lab .mpr (parseMpr): the four fixtures and junk after the magic', 6,
    fc.oneof({ weight: 6, arbitrary: fixtureSource('navani_00_test_01_OCV_C01.mpr', 'navani_00_test_02_MB_C01.mpr', 'navani_jdb11-1_c3_gcpl_5cycles_2V-3p8V_C-24_data_C09.mpr', 'cellpy_biol.mpr') }, { weight: 1, arbitrary: junkSource('mpr') })),
  binaryTarget('nda', 'Neware .nda (parseNda): the two fixtures and junk after the magic', 4,
    fc.oneof({ weight: 6, arbitrary: fixtureSource('newarenda_new_nda_file.nda', 'newarenda_TestFile.nda') }, { weight: 1, arbitrary: junkSource('nda') })),
  binaryTarget('ndax', 'Neware .ndax (parseNdax): the two fixtures, zip parts altered, and generated archives', 3.5,
    fc.oneof({ weight: 6, arbitrary: fixtureSource('newarenda_TESTCELL0001-Test_Data_Collection_Ndc17.ndax', 'newarenda_test_2.ndax') }, { weight: 1, arbitrary: junkSource('ndax') }), true),
  binaryTarget('res', 'Arbin .res (parseArbinRes): the fixture', 2, fixtureSource('cellpy_20160805_test001_45_cc_01.res')),
];

export function target(name: string): FuzzTarget {
  const t = TARGETS.find((x) => x.name === name);
  if (!t) throw new Error(`no fuzz target '${name}' (targets: ${TARGETS.map((x) => x.name).join(', ')})`);
  return t;
}
