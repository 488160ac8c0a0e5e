// The data module ("VMP data"): the point count (u32 at 0), the column count and the column ids,
// then fixed-size records, one per point. Where the ids sit and where the records begin depends on
// the module version: version 0 with 1-byte ids and records at 100; versions 2 and 3 with 2-byte
// ids from byte 5 and records at 405 / 406 (EC-Lab 10.x-11.4x); the 11.50+ header with a 2-byte
// column count, ids from byte 6 and records at 1007. The version picks the layout to try first;
// the module length decides: declared length = start + points x record size. A layout that does
// not fit is not trusted blindly: the others are tried, and a start that the sizes imply is taken
// (with a warning) when the version's own start does not fit.
import { DataError, DataProblem } from '../types';
import { AMBIGUOUS_IDS, BinaryType, COLUMN_IDS, ColumnId, FLAG_IDS, FlagId, TYPE_BYTES } from './columnIds';
import { MprModule } from './modules';

interface Layout {
  name: string;
  countBytes: 1 | 2;
  idsAt: number;
  idBytes: 1 | 2;
  dataAt: number;
}

const LAYOUT_V0: Layout = { name: 'version 0 (1-byte column ids)', countBytes: 1, idsAt: 5, idBytes: 1, dataAt: 100 };
const LAYOUT_V2: Layout = { name: 'version 2', countBytes: 1, idsAt: 5, idBytes: 2, dataAt: 405 };
const LAYOUT_V3: Layout = { name: 'version 3', countBytes: 1, idsAt: 5, idBytes: 2, dataAt: 406 };
const LAYOUT_1150: Layout = { name: 'EC-Lab 11.50+', countBytes: 2, idsAt: 6, idBytes: 2, dataAt: 1007 };
const ALL_LAYOUTS = [LAYOUT_V2, LAYOUT_V3, LAYOUT_1150, LAYOUT_V0];
/** No EC-Lab data header is longer; an implied record start beyond it is not believed. */
const MAX_HEADER_BYTES = 4096;

type Flag = FlagId & { id: number };

/** One value of the record: a column, or the byte that packs the flags. */
interface Field {
  offset: number;
  type: BinaryType | 'flags';
  id: number;
  name: string;
}

export interface RecordPlan {
  layout: Layout;
  points: number;
  ids: number[];
  fields: Field[];
  flags: Flag[];
  recordBytes: number;
  dataAt: number;
}

export interface DecodedColumn {
  /** The column id (flags: the flag's own id). */
  id: number;
  name: string;
  /** The values as stored (not yet in SI). */
  values: Float64Array;
}

export interface DataContext {
  file: string;
  /** "version 3", "version 11 (EC-Lab 11.50+ header)": for messages. */
  version: string;
  ecLab?: string;
}

function versionWords(ctx: DataContext): string {
  return `data module ${ctx.version}, EC-Lab ${ctx.ecLab ?? 'version not recorded'}`;
}

/** Layouts to try, the one the module's version names first. */
function layoutsFor(mod: MprModule, b: Uint8Array, at: number): Layout[] {
  let first: Layout | undefined;
  if (mod.layout === 'new') first = LAYOUT_1150;
  else if (mod.version === 2) first = LAYOUT_V2;
  else if (mod.version === 3) first = LAYOUT_V3;
  else if (mod.version === 0) first = mod.available > 5 && b[at + 5] !== 0 ? LAYOUT_V0 : LAYOUT_1150;
  return first ? [first, ...ALL_LAYOUTS.filter((l) => l !== first)] : ALL_LAYOUTS;
}

interface Candidate {
  plan: RecordPlan;
  /** The declared length is exactly start + points x record size. */
  exact: boolean;
  /** The start was implied by the sizes, not the layout's own. */
  impliedStart: boolean;
  /** Unknown ids and the width the sizes leave for them. */
  deduced?: { id: number; bytes: number };
  ambiguousVariant?: number;
  /** From the layout the module's version names. */
  preferred: boolean;
}

/** Column ids of a layout, or undefined when they do not fit it. */
function readIds(b: Uint8Array, dv: DataView, at: number, mod: MprModule, layout: Layout): number[] | undefined {
  const avail = mod.available;
  if (avail < layout.idsAt) return undefined;
  const n = layout.countBytes === 1 ? b[at + 4] : dv.getUint16(at + 4, true);
  const end = layout.idsAt + n * layout.idBytes;
  if (n === 0 || end > avail || end > layout.dataAt) return undefined;
  const ids: number[] = new Array(n);
  for (let i = 0; i < n; i++) {
    ids[i] = layout.idBytes === 1 ? b[at + layout.idsAt + i] : dv.getUint16(at + layout.idsAt + 2 * i, true);
  }
  return ids;
}

/** Fields of a record for these ids; unknown ids get the width `unknownBytes` (when given). */
function buildFields(ids: number[], variant: number, unknownBytes?: number): { fields: Field[]; flags: Flag[]; bytes: number; unknown: number[] } {
  const fields: Field[] = [];
  const flags: Flag[] = [];
  const unknown: number[] = [];
  let offset = 0;
  let flagField = false;
  for (const id of ids) {
    const flag = FLAG_IDS[id];
    if (flag) {
      // All flags share one byte, where the first of them stands.
      if (!flags.some((f) => f.name === flag.name)) flags.push({ ...flag, id });
      if (!flagField) {
        fields.push({ offset, type: 'flags', id, name: 'flags' });
        offset += 1;
        flagField = true;
      }
      continue;
    }
    const known: ColumnId | undefined = COLUMN_IDS[id] ?? AMBIGUOUS_IDS[id]?.[variant];
    if (known) {
      fields.push({ offset, type: known.type, id, name: known.name });
      offset += TYPE_BYTES[known.type];
      continue;
    }
    unknown.push(id);
    if (unknownBytes !== undefined) {
      const type: BinaryType = unknownBytes === 8 ? 'f64' : unknownBytes === 4 ? 'f32' : unknownBytes === 2 ? 'u16' : 'u8';
      fields.push({ offset, type, id, name: `column id ${id}` });
      offset += unknownBytes;
    }
  }
  return { fields, flags, bytes: offset, unknown };
}

function candidatesOf(b: Uint8Array, dv: DataView, at: number, mod: MprModule, layout: Layout, points: number, preferred: boolean): { found: Candidate[]; unknown?: number[] } {
  const ids = readIds(b, dv, at, mod, layout);
  if (!ids) return { found: [] };
  const L = mod.length;
  const variants = ids.some((id) => AMBIGUOUS_IDS[id] && !COLUMN_IDS[id]) ? [0, 1] : [0];
  const found: Candidate[] = [];
  let unknownIds: number[] | undefined;
  for (const variant of variants) {
    const base = buildFields(ids, variant);
    const plan = (f: ReturnType<typeof buildFields>, dataAt: number): RecordPlan => ({
      layout, points, ids, fields: f.fields, flags: f.flags, recordBytes: f.bytes, dataAt,
    });
    const ambiguousVariant = variants.length > 1 ? variant : undefined;
    if (base.unknown.length === 0) {
      if (base.bytes === 0) continue;
      const exact = L - layout.dataAt === points * base.bytes;
      found.push({ plan: plan(base, layout.dataAt), exact, impliedStart: false, ambiguousVariant, preferred });
      const implied = L - points * base.bytes;
      const idsEnd = layout.idsAt + ids.length * layout.idBytes;
      if (!exact && implied >= idsEnd && implied <= MAX_HEADER_BYTES) {
        found.push({ plan: plan(base, implied), exact: true, impliedStart: true, ambiguousVariant, preferred });
      }
      continue;
    }
    unknownIds = base.unknown;
    if (base.unknown.length === 1) {
      const room = (L - layout.dataAt) / points - base.bytes;
      if (room === 1 || room === 2 || room === 4 || room === 8) {
        const withUnknown = buildFields(ids, variant, room);
        found.push({ plan: plan(withUnknown, layout.dataAt), exact: true, impliedStart: false, deduced: { id: base.unknown[0], bytes: room }, ambiguousVariant, preferred });
      }
    }
  }
  return { found, unknown: unknownIds };
}

/**
 * Decide how the records are laid out. Throws a DataError when the module cannot be read (too
 * short, no column ids, unknown ids whose widths the sizes do not give); warnings go to `problems`.
 */
export function planRecords(b: Uint8Array, mod: MprModule, ctx: DataContext, problems: DataProblem[]): RecordPlan {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const at = mod.start;
  if (mod.available < 6) {
    throw new DataError(ctx.file, 0, `the data module at byte ${mod.at} is cut after ${mod.available} bytes, before its column list (${versionWords(ctx)})`);
  }
  const points = dv.getUint32(at, true);
  if (points === 0) throw new DataError(ctx.file, 0, `the data module at byte ${mod.at} holds no data points (${versionWords(ctx)})`);
  const all: Candidate[] = [];
  let unknownIds: number[] | undefined;
  const layouts = layoutsFor(mod, b, at);
  layouts.forEach((layout, i) => {
    const { found, unknown } = candidatesOf(b, dv, at, mod, layout, points, i === 0);
    all.push(...found);
    if (unknown && !unknownIds && found.length === 0) unknownIds = unknown;
  });
  // An exact fit at the layout's own start, then one at a start the sizes imply, then the
  // version's own layout even though its size is off (a cut or damaged module).
  const chosen = all.find((c) => c.exact && !c.impliedStart) ?? all.find((c) => c.exact) ?? all.find((c) => c.preferred && !c.impliedStart);
  if (!chosen) {
    if (unknownIds?.length) {
      throw new DataError(ctx.file, 0,
        `the data module has column id${unknownIds.length > 1 ? 's' : ''} ${unknownIds.join(', ')} that this reader does not know (${versionWords(ctx)}), ` +
        `and the module's size (${mod.length} bytes for ${points} points) does not tell ${unknownIds.length > 1 ? 'their widths' : 'its width'}: the records cannot be read`);
    }
    throw new DataError(ctx.file, 0, `the column list of the data module at byte ${mod.at} cannot be read (${versionWords(ctx)}): no known layout fits its ${mod.length} bytes`);
  }
  const p = chosen.plan;
  const warn = (message: string) => problems.push({ line: 0, message, severity: 'warning' });
  if (chosen.deduced) {
    const d = chosen.deduced;
    const type = d.bytes === 8 ? 'float64' : d.bytes === 4 ? 'float32' : d.bytes === 2 ? 'uint16' : 'uint8';
    warn(`unknown column id ${d.id} in the data module (${versionWords(ctx)}): the record size (${p.recordBytes} bytes) leaves ${d.bytes} bytes for it, ` +
      `read as '${`column id ${d.id}`}' (${type}, a guess of the type; values as stored)`);
  }
  if (chosen.ambiguousVariant !== undefined) {
    const ids = p.ids.filter((id) => AMBIGUOUS_IDS[id] && !COLUMN_IDS[id]);
    const names = ids.map((id) => `${id} as '${AMBIGUOUS_IDS[id][chosen.ambiguousVariant!].name}'`).join(', ');
    warn(`column id${ids.length > 1 ? 's' : ''} ${names}: the peer readers disagree on ${ids.length > 1 ? 'these ids' : 'this id'}; the record size decided (${versionWords(ctx)})`);
  }
  if (chosen.impliedStart) {
    warn(`the records of the data module begin at byte ${p.dataAt} of the module, not at byte ${p.layout.dataAt} as in ${p.layout.name} modules (${versionWords(ctx)}): taken from the module's size`);
  } else if (!chosen.exact) {
    const room = mod.length - p.dataAt;
    warn(`the data module declares ${points} points of ${p.recordBytes} bytes, but holds ${room} bytes for them (${versionWords(ctx)}); the whole records present are read`);
  }
  return p;
}

/** SI = stored · mul / div + offset; decimal prefixes divide by a power of ten (one rounding, as written in SI). */
export interface Scale { mul: number; div: number; offset: number }

export function scaleOf(factor: number, offset: number): Scale {
  const inv = 1 / Math.abs(factor);
  const div = Math.round(inv);
  if (div > 1 && Math.abs(inv - div) < 1e-9 * div) return { mul: Math.sign(factor), div, offset };
  return { mul: factor, div: 1, offset };
}

/** The names of the decoded columns, in order: the fields, each flag of the flags byte apart. */
export function columnNames(plan: RecordPlan): string[] {
  return plan.fields.flatMap((f) => (f.type === 'flags' ? plan.flags.map((x) => x.name) : [f.name]));
}

/** Rows per block: a block of records stays in the cache while every column takes its values. */
const BLOCK_ROWS = 2048;

interface Target {
  id: number;
  name: string;
  values: Float64Array;
  type: BinaryType | 'flags';
  p0: number;
  mask: number;
  shift: number;
  scale?: Scale;
}

/**
 * Decode the records into one Float64Array per column (flags unpacked, in the order of
 * columnNames), converted by `scales` (index-aligned; none: values as stored).
 */
export function decodeRecords(
  b: Uint8Array, mod: MprModule, plan: RecordPlan, ctx: DataContext, problems: DataProblem[], scales: (Scale | undefined)[] = [],
): { rows: number; columns: DecodedColumn[] } {
  const start = mod.start + plan.dataAt;
  const bytes = Math.max(0, mod.available - plan.dataAt);
  const whole = Math.floor(bytes / plan.recordBytes);
  const rows = Math.min(plan.points, whole);
  if (rows < plan.points) {
    const cutAt = mod.start + mod.available;
    problems.push({
      line: 0, severity: 'warning',
      message: `the data module declares ${plan.points} points but the file holds only ${rows} whole records (it ends at byte ${cutAt}, in record ${rows + 1}): ${rows} points read`,
    });
  }
  if (rows === 0) throw new DataError(ctx.file, 0, `the file is cut before the first data record (byte ${start}; ${versionWords(ctx)})`);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const rec = plan.recordBytes;
  const targets: Target[] = [];
  for (const f of plan.fields) {
    const p0 = start + f.offset;
    if (f.type === 'flags') {
      for (const flag of plan.flags) {
        targets.push({ id: flag.id, name: flag.name, values: new Float64Array(rows), type: 'flags', p0, mask: flag.mask, shift: 31 - Math.clz32(flag.mask & -flag.mask) });
      }
    } else {
      targets.push({ id: f.id, name: f.name, values: new Float64Array(rows), type: f.type, p0, mask: 0, shift: 0 });
    }
  }
  targets.forEach((t, i) => {
    const s = scales[i];
    if (s && (s.mul !== 1 || s.div !== 1 || s.offset !== 0)) t.scale = s;
  });
  for (let k0 = 0; k0 < rows; k0 += BLOCK_ROWS) {
    const k1 = Math.min(rows, k0 + BLOCK_ROWS);
    for (const t of targets) {
      if (t.type === 'flags') readFlags(b, t, rec, k0, k1);
      else readRange(b, dv, t.values, t.type, t.p0, rec, k0, k1);
      if (t.scale) scaleRange(t.values, t.scale, k0, k1);
    }
  }
  return { rows, columns: targets.map((t) => ({ id: t.id, name: t.name, values: t.values })) };
}

function readFlags(b: Uint8Array, t: Target, rec: number, k0: number, k1: number): void {
  const out = t.values, mask = t.mask, shift = t.shift;
  for (let k = k0, p = t.p0 + k0 * rec; k < k1; k++, p += rec) out[k] = (b[p] & mask) >> shift;
}

function readRange(b: Uint8Array, dv: DataView, out: Float64Array, type: BinaryType, p0: number, rec: number, k0: number, k1: number): void {
  let p = p0 + k0 * rec;
  switch (type) {
    case 'f64': for (let k = k0; k < k1; k++, p += rec) out[k] = dv.getFloat64(p, true); break;
    case 'f32': for (let k = k0; k < k1; k++, p += rec) out[k] = dv.getFloat32(p, true); break;
    case 'u32': for (let k = k0; k < k1; k++, p += rec) out[k] = dv.getUint32(p, true); break;
    case 'i32': for (let k = k0; k < k1; k++, p += rec) out[k] = dv.getInt32(p, true); break;
    case 'u16': for (let k = k0; k < k1; k++, p += rec) out[k] = dv.getUint16(p, true); break;
    case 'u8': for (let k = k0; k < k1; k++, p += rec) out[k] = b[p]; break;
  }
}

function scaleRange(v: Float64Array, s: Scale, k0: number, k1: number): void {
  const { mul, div, offset } = s;
  if (div !== 1) for (let k = k0; k < k1; k++) v[k] = (mul * v[k]) / div + offset;
  else for (let k = k0; k < k1; k++) v[k] = v[k] * mul + offset;
}
