// BioLogic EC-Lab text exports (.mpt): "EC-Lab ASCII FILE", "Nb header lines : N", the technique
// name, "key : value" facts, the column line at line N, then tab-separated rows (decimal commas
// in some locales, Latin-1 bytes such as cm² and µF, CRLF). Also the export without the header
// block, which starts directly with the column line.
import { resolveColumns } from './columns';
import { forEachDataLine } from './byteLines';
import { labelModes } from './ecLab';
import { FileHead, headLines } from './text';
import { columnsToKeep, TableBuilder, makeTable } from './table';
import { DataError, DataTable, ReadOptions } from './types';

const TECHNIQUES: [RegExp, string][] = [
  [/^galvanostatic cycling with potential limitation/i, 'GCPL'],
  [/^potentio electrochemical impedance spectroscopy/i, 'PEIS'],
  [/^galvano electrochemical impedance spectroscopy/i, 'GEIS'],
  [/^staircase potentio electrochemical impedance/i, 'SPEIS'],
  [/^staircase galvano electrochemical impedance/i, 'SGEIS'],
  [/^chronopotentiometry/i, 'CP'],
  [/^chronoamperometry/i, 'CA'],
  [/^cyclic voltammetry/i, 'CV'],
  [/^linear sweep voltammetry/i, 'LSV'],
  [/^open circuit voltage/i, 'OCV'],
  [/^modulo bat/i, 'MB'],
  [/^constant current/i, 'CC'],
  [/^galvanostatic intermittent titration/i, 'GITT'],
];

export function techniqueCode(name: string): string | undefined {
  const n = name.trim();
  for (const [re, code] of TECHNIQUES) if (re.test(n)) return code;
  return undefined;
}

/** Column names of the column line: tab-separated, the trailing tab EC-Lab writes dropped. */
function columnNames(line: string): string[] {
  const names = line.split('\t').map((s) => s.trim());
  while (names.length && names[names.length - 1] === '') names.pop();
  return names;
}

export async function readBiologic(head: FileHead, options: ReadOptions): Promise<DataTable> {
  const file = head.file;
  const lines = headLines(head);
  const first = (lines[0] ?? '').trim();
  const meta: Record<string, string> = {};
  let columnLine = 1;
  let technique: string | undefined;
  if (/^(EC-Lab|BT-Lab) ASCII FILE/i.test(first)) {
    const nb = /^Nb header lines\s*:\s*(\d+)/i.exec((lines[1] ?? '').trim());
    if (!nb) throw new DataError(file, 2, `expected "Nb header lines : N" on line 2 of an EC-Lab file, found '${(lines[1] ?? '').trim().slice(0, 60)}'`);
    columnLine = Number(nb[1]);
    if (columnLine < 3) throw new DataError(file, 2, `"Nb header lines : ${columnLine}" cannot be right: the header block has at least 3 lines`);
    // The technique: the first line after "Nb header lines" that is not blank and not "key : value".
    for (let i = 2; i < Math.min(columnLine - 1, lines.length); i++) {
      const t = lines[i].trim();
      if (!t || /^Technique\s*:/i.test(t)) continue;
      if (!t.includes(' : ')) { meta.technique = t; technique = techniqueCode(t) ?? t; }
      break;
    }
  }
  let builder: TableBuilder | undefined;
  let names: string[] = [];
  const bytesPerRow = estimateRowBytes(lines, columnLine);
  const stats = await forEachDataLine(head, options, {
    dataFrom: columnLine + 1,
    header: (line, no) => {
      if (no < columnLine) {
        if (no > 1) headerFact(line, meta);
        return;
      }
      names = columnNames(line);
      if (names.length < 2 || !line.includes('\t')) {
        throw new DataError(file, no, `expected the tab-separated column names on line ${no}${columnLine > 1 ? ` ("Nb header lines : ${columnLine}")` : ''}, found '${line.trim().slice(0, 60)}'`);
      }
      const specs = resolveColumns(names, { file, columnLine: no, format: 'biologic-mpt', mapping: options.mapping });
      builder = new TableBuilder(specs, {
        file, columnLine: no, sep: 9, decimalComma: true, expectedFields: specs.length,
        expectedRows: Math.ceil(head.size / bytesPerRow) + 16, keep: columnsToKeep(specs, options.kinds),
      });
    },
    rows: () => builder!,
  });
  if (!builder) {
    throw new DataError(file, stats.lines, `the file ends at line ${stats.lines}, before the column line (line ${columnLine}, "Nb header lines : ${columnLine}")`);
  }
  if (stats.fallbackLine) builder.problem(stats.fallbackLine, `the text is not UTF-8 from line ${stats.fallbackLine} on; read as Windows-1252`, 'warning');
  const built = builder.finish();
  if (built.rows === 0) throw new DataError(file, columnLine + 1, `no data rows below the column line (line ${columnLine})`);
  meta.encoding = stats.encoding;
  meta.columnLine = String(columnLine);
  const table = makeTable(file, 'biologic-mpt', built, meta, technique);
  labelModes(table.columns);
  return table;
}

/** "Electrode surface area : 0.001 cm²" and the like; the first occurrence of a key wins. */
function headerFact(line: string, meta: Record<string, string>): void {
  const i = line.indexOf(' : ');
  if (i <= 0) return;
  const key = line.slice(0, i).trim();
  const value = line.slice(i + 3).trim();
  if (key && key.length <= 60 && !(key in meta)) meta[key] = value;
}

function estimateRowBytes(lines: string[], columnLine: number): number {
  const sample = lines.slice(columnLine, columnLine + 200);
  if (!sample.length) return 64;
  return Math.max(8, sample.reduce((a, l) => a + l.length + 1, 0) / sample.length);
}
