// The facts around the data: the technique (first byte of each settings module), the dates in
// the module headers, the acquisition start (an OLE date in the log module) and the EC-Lab
// version (a Pascal string in the log module), the loop starts (loop module). Offsets are those of
// EC-Lab 10.x-11.6x files (yadg's and galvani's notes, checked on the fixtures); each value is
// accepted only when it looks like what it should be, so other layouts yield nothing, not nonsense.
import { fixedText, MprModule } from './modules';

/** Technique ids (settings module, byte 0) and their EC-Lab short names (yadg's table). */
export const TECHNIQUE_IDS: Record<number, string> = {
  0x04: 'GCPL', 0x06: 'CV', 0x0b: 'OCV', 0x18: 'CA', 0x19: 'CP', 0x1c: 'WAIT', 0x1d: 'PEIS', 0x1e: 'GEIS',
  0x30: 'CV', 0x32: 'ZIR', 0x33: 'CVA', 0x6c: 'LSV', 0x77: 'GCPL', 0x7f: 'MB',
};

// Log module offsets. The acquisition start is at 585 in the files seen; galvani also met 465,
// 469 and 473. The EC-Lab version follows at 951 ("11.10", "11.50").
const OLE_OFFSETS = [585, 465, 469, 473];
const ECLAB_VERSION_AT = 951;
// Settings module: the comment and the electrode material, Pascal strings.
const COMMENTS_AT = 0x07;
const COMMENTS_MAX = 0x107 - 0x08;
const MATERIAL_AT = 0x11e;
const MATERIAL_MAX = 0x1c0 - 0x11f;

/** Days from the OLE epoch (1899-12-30) to the Unix epoch. */
const OLE_UNIX_DAYS = 25569;

/** "03/15/17", "03-15-17", "03.15.17" (month, day, two-digit year) -> "2017-03-15". */
export function moduleDate(text: string): string | undefined {
  const m = /^(\d{2})[/.-](\d{2})[/.-](\d{2})$/.exec(text.trim());
  if (!m) return undefined;
  const month = Number(m[1]), day = Number(m[2]), yy = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  // EC-Lab appeared in the 1990s: 90-99 are 1990s, the rest 2000s.
  const year = yy >= 90 ? 1900 + yy : 2000 + yy;
  return `${year}-${m[1]}-${m[2]}`;
}

/** An OLE date (days since 1899-12-30, local time of the instrument PC) as ISO 8601 without zone. */
export function oleToIso(ole: number): string {
  const ms = Math.round((ole - OLE_UNIX_DAYS) * 86400000);
  return new Date(ms).toISOString().replace('Z', '');
}

const dayOf = (iso: string): number => Date.parse(`${iso.slice(0, 10)}T00:00:00Z`) / 86400000;

/**
 * The acquisition start from the log module: the first candidate offset that holds an OLE date
 * within a day of the dates the modules' headers give (or in 1990-2100 when they give none).
 */
export function acquisitionStart(b: Uint8Array, log: MprModule, dates: string[]): string | undefined {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const days = dates.map(dayOf).filter((d) => Number.isFinite(d));
  const lo = days.length ? Math.min(...days) - 1 : dayOf('1990-01-01');
  const hi = days.length ? Math.max(...days) + 1 : dayOf('2100-01-01');
  for (const off of OLE_OFFSETS) {
    if (off + 8 > log.available) continue;
    const ole = dv.getFloat64(log.start + off, true);
    if (!Number.isFinite(ole)) continue;
    const day = Math.floor(ole - OLE_UNIX_DAYS);
    if (day >= lo && day <= hi) return oleToIso(ole);
  }
  return undefined;
}

/** A Pascal string (length byte, then Latin-1 text) that is printable and no longer than `max`. */
export function pascalString(b: Uint8Array, mod: MprModule, at: number, max: number): string | undefined {
  if (at >= mod.available) return undefined;
  const n = b[mod.start + at];
  if (n === 0 || n > max || at + 1 + n > mod.available) return undefined;
  const s = fixedText(b, mod.start + at + 1, n);
  if (s.length !== n || !/^[\x20-\x7e\xa0-\xff]+$/.test(s)) return undefined;
  return s;
}

export function ecLabVersion(b: Uint8Array, log: MprModule): string | undefined {
  const s = pascalString(b, log, ECLAB_VERSION_AT, 12);
  return s && /^\d{1,2}\.\d{1,3}[a-z]?$/.test(s) ? s : undefined;
}

export interface SettingsFacts {
  techniqueId?: number;
  technique?: string;
  comments?: string;
  electrodeMaterial?: string;
}

export function settingsFacts(b: Uint8Array, set: MprModule): SettingsFacts {
  if (set.available < 1) return {};
  const techniqueId = b[set.start];
  return {
    techniqueId,
    technique: TECHNIQUE_IDS[techniqueId],
    comments: pascalString(b, set, COMMENTS_AT, COMMENTS_MAX),
    electrodeMaterial: pascalString(b, set, MATERIAL_AT, MATERIAL_MAX),
  };
}

/** The loop module: a count, then the index of the first point of each loop. */
export function loopStarts(b: Uint8Array, loop: MprModule): number[] | undefined {
  if (loop.available < 4) return undefined;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const n = Math.min(dv.getUint32(loop.start, true), Math.floor((loop.available - 4) / 4));
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(dv.getUint32(loop.start + 4 + 4 * i, true));
  // Unused slots at the end are zero.
  while (out.length > 1 && out[out.length - 1] === 0) out.pop();
  return out;
}
