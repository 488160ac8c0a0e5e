// The instruments' own binary files, recognised by their first bytes (never by the file's
// extension), so a renamed file is still read by the right reader.
import { leadingNames } from './zip';

export function instrumentMagic(b: Uint8Array): 'mpr' | 'jet' | 'nda' | undefined {
  const start = Buffer.from(b.subarray(0, 22)).toString('latin1');
  if (start === 'BIO-LOGIC MODULAR FILE') return 'mpr';
  if (start.startsWith('NEWARE')) return 'nda';
  if (isJetDatabase(b)) return 'jet';
  return undefined;
}

/** A Microsoft Access database (Jet 3/4 or ACE): the container of Arbin's .res files. */
export function isJetDatabase(head: Uint8Array): boolean {
  if (head.length < 19 || head[0] !== 0 || head[1] !== 1 || head[2] !== 0 || head[3] !== 0) return false;
  const signature = Buffer.from(head.subarray(4, 19)).toString('latin1');
  return signature === 'Standard Jet DB' || signature === 'Standard ACE DB';
}

/** A zip whose first parts are Neware's (.ndc parts, VersionInfo/TestInfo.xml): an .ndax, not a workbook. */
export function isNdaxHead(head: Uint8Array): boolean {
  return leadingNames(head).some((n) => /\.ndc$/i.test(n) || /^(VersionInfo|TestInfo|NdaxConfig)\.xml$/i.test(n.replace(/^.*[\\/]/, '')));
}
