// The module structure of an EC-Lab .mpr file: the file header "BIO-LOGIC MODULAR FILE", then
// modules, each "MODULE" + a header (short name, long name, length, version, date) + its bytes.
// Two header layouts exist: up to EC-Lab 11.4x `length u32, version u32, date[8]` (51 bytes after
// the magic); from 11.50 on `0xFFFFFFFF, length u32, version u32, version2 u32, date[8]` (59 bytes).
// Modules are found by their headers and lengths; a length that does not lead to the next "MODULE"
// is reported and the next magic is searched for, so a damaged length costs at most that module.
import { DataProblem } from '../types';

export const FILE_MAGIC = 'BIO-LOGIC MODULAR FILE';
/** The file header: the magic padded with blanks to 48 bytes, then 4 bytes. */
export const FILE_HEADER_BYTES = 52;
const MODULE_MAGIC = [0x4d, 0x4f, 0x44, 0x55, 0x4c, 0x45]; // "MODULE"
const OLD_HEADER_BYTES = 51;
const NEW_HEADER_BYTES = 59;
/** More modules than any EC-Lab file has: a bound for damaged files. */
const MAX_MODULES = 256;

export interface MprModule {
  /** "VMP Set", "VMP data", "VMP LOG", "VMP loop", "VMP ExtDev", ... (trailing blanks removed). */
  shortName: string;
  longName: string;
  /** The version field; the 11.50+ layout adds a second one (10 for settings/log/loop, 11 for data). */
  version: number;
  version2?: number;
  /** The header layout: 'old' (before EC-Lab 11.50) or 'new'. */
  layout: 'old' | 'new';
  /** The date as written (mm/dd/yy, mm-dd-yy or mm.dd.yy). */
  date: string;
  /** Byte offset of the "MODULE" magic, and of the module's first data byte. */
  at: number;
  start: number;
  /** The module's length (as declared, unless the next module begins sooner), and the bytes actually in the file (less when it is cut). */
  length: number;
  available: number;
  /** What the module is, from its short name (or its long name when the short one is damaged). */
  role?: ModuleRole;
}

export interface ModuleScan {
  modules: MprModule[];
  problems: DataProblem[];
}

function isModuleMagic(b: Uint8Array, i: number): boolean {
  if (i + MODULE_MAGIC.length > b.length) return false;
  for (let k = 0; k < MODULE_MAGIC.length; k++) if (b[i + k] !== MODULE_MAGIC[k]) return false;
  return true;
}

/** The next "MODULE" magic followed by a readable short name, at or after `from`, or -1. */
function findModuleHeader(b: Uint8Array, from: number): number {
  for (let i = Math.max(0, from); i + MODULE_MAGIC.length <= b.length; i++) {
    i = b.indexOf(MODULE_MAGIC[0], i);
    if (i < 0) return -1;
    if (isModuleMagic(b, i) && printable(fixedText(b, i + MODULE_MAGIC.length, 10))) return i;
  }
  return -1;
}

/** Fixed-width text: Latin-1, cut at the first NUL, trailing blanks removed. */
export function fixedText(b: Uint8Array, start: number, n: number): string {
  let s = '';
  for (let i = start; i < start + n && i < b.length; i++) {
    if (b[i] === 0) break;
    s += String.fromCharCode(b[i]);
  }
  return s.trimEnd();
}

function printable(s: string): boolean {
  return s.length > 0 && /^[\x20-\x7e]+$/.test(s);
}

export function hasFileMagic(b: Uint8Array): boolean {
  return fixedText(b, 0, FILE_MAGIC.length) === FILE_MAGIC;
}

const u32 = (dv: DataView, at: number): number => dv.getUint32(at, true);

/** A known EC-Lab module right after the file header (for files whose magic is damaged). */
export function startsWithModule(b: Uint8Array): boolean {
  const n = fixedText(b, FILE_HEADER_BYTES + MODULE_MAGIC.length, 10);
  return isModuleMagic(b, FILE_HEADER_BYTES) && ROLE_OF_SHORT[n] !== undefined;
}

export type ModuleRole = 'settings' | 'data' | 'log' | 'loop' | 'externalDevice';

// The modules EC-Lab writes, by short name and by long name (either can identify a damaged header).
const ROLE_OF_SHORT: Record<string, ModuleRole> = {
  'VMP Set': 'settings', 'VMP data': 'data', 'VMP LOG': 'log', 'VMP loop': 'loop', 'VMP ExtDev': 'externalDevice',
};
const ROLE_OF_LONG: Record<string, ModuleRole> = {
  'VMP settings': 'settings', 'VMP data': 'data', 'VMP LOG': 'log', 'VMP loop': 'loop',
};

/** The header at `at` (where "MODULE" is, or should be), or undefined when the file ends inside it. */
function readHeader(b: Uint8Array, dv: DataView, at: number): MprModule | undefined {
  const h = at + MODULE_MAGIC.length;
  if (h + OLD_HEADER_BYTES > b.length) return undefined;
  // 11.50+: a 0xFFFFFFFF "maximum length" where older files have the length.
  const layout = u32(dv, h + 35) === 0xffffffff ? 'new' : 'old';
  const headerBytes = layout === 'new' ? NEW_HEADER_BYTES : OLD_HEADER_BYTES;
  if (h + headerBytes > b.length) return undefined;
  const length = u32(dv, layout === 'new' ? h + 39 : h + 35);
  const start = h + headerBytes;
  return {
    shortName: fixedText(b, h, 10), longName: fixedText(b, h + 10, 25),
    version: u32(dv, layout === 'new' ? h + 43 : h + 39), version2: layout === 'new' ? u32(dv, h + 47) : undefined,
    layout, date: fixedText(b, h + headerBytes - 8, 8), at, start, length,
    available: Math.max(0, Math.min(length, b.length - start)),
  };
}

const shown = (s: string): string => s.replace(/[^\x20-\x7e]/g, '?');

/** Read the module headers, in file order. Never throws; trouble goes into `problems`. */
export function scanModules(b: Uint8Array): ModuleScan {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const modules: MprModule[] = [];
  const problems: DataProblem[] = [];
  const warn = (message: string) => problems.push({ line: 0, message, severity: 'warning' });
  // The length leads to the next module or to the end of the file.
  const fits = (m: MprModule) => m.start + m.length === b.length || isModuleMagic(b, m.start + m.length);
  let pos = FILE_HEADER_BYTES;
  while (pos < b.length && modules.length < MAX_MODULES) {
    let mod = readHeader(b, dv, pos);
    if (!isModuleMagic(b, pos)) {
      if (mod && (ROLE_OF_SHORT[mod.shortName] || ROLE_OF_LONG[mod.longName]) && fits(mod)) {
        warn(`the "MODULE" mark at byte ${pos} is damaged; the module header after it ('${shown(mod.shortName)}') is read all the same`);
      } else {
        const next = findModuleHeader(b, pos + 1);
        const what = b.length - pos < MODULE_MAGIC.length ? 'the file ends' : 'no "MODULE" header';
        if (next < 0) {
          warn(`${what} at byte ${pos}, where a module should begin; the ${b.length - pos} bytes after it are ignored`);
          break;
        }
        warn(`no "MODULE" header at byte ${pos}, where a module should begin: ${next - pos} bytes skipped to the next one at byte ${next}`);
        pos = next;
        mod = readHeader(b, dv, pos);
      }
    }
    if (!mod) {
      warn(`the file ends inside the header of a module at byte ${pos} (${b.length - pos} of at least ${MODULE_MAGIC.length + OLD_HEADER_BYTES} bytes)`);
      break;
    }
    const { at, start, length, shortName } = mod;
    if (!printable(shortName) && !fits(mod)) {
      // Not a module header after all (a "MODULE" inside data): look further.
      warn(`the bytes after "MODULE" at byte ${at} are no module header (name '${shown(shortName)}'); skipped`);
      pos = at + MODULE_MAGIC.length;
      continue;
    }
    mod.role = ROLE_OF_SHORT[shortName];
    if (!mod.role && ROLE_OF_LONG[mod.longName]) {
      mod.role = ROLE_OF_LONG[mod.longName];
      warn(`the module at byte ${at} has the short name '${shown(shortName)}' but the long name '${mod.longName}': read as that module`);
    }
    modules.push(mod);
    const end = start + length;
    if (end > b.length) {
      // Cut files end here: another "MODULE" inside the declared length means the length is wrong.
      const next = findModuleHeader(b, start);
      if (next >= 0) {
        mod.available = mod.length = next - start;
        warn(`module '${shown(shortName)}' at byte ${at} declares ${length} bytes, past the end of the file (${b.length} bytes), but the next module begins at byte ${next}: its length is taken as ${mod.length}`);
        pos = next;
        continue;
      }
      warn(`module '${shown(shortName)}' at byte ${at} declares ${length} bytes but the file ends after ${mod.available} of them (the file is cut short)`);
      break;
    }
    if (end < b.length && !isModuleMagic(b, end)) {
      const next = findModuleHeader(b, start);
      if (next >= 0 && next < end) {
        mod.available = mod.length = next - start;
        warn(`module '${shown(shortName)}' at byte ${at} declares ${length} bytes, but the next module begins at byte ${next}: its length is taken as ${mod.length}`);
        pos = next;
        continue;
      }
    }
    pos = end;
  }
  if (modules.length >= MAX_MODULES && pos < b.length) warn(`more than ${MAX_MODULES} modules: the rest of the file (from byte ${pos}) is ignored`);
  return { modules, problems };
}
