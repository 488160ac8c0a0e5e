// Lists of names in messages about a damaged file (its modules, its zip parts): a damaged file
// can hold thousands of them, or names of garbage bytes, and a message must stay a sentence.

const MAX_NAMES = 12;
/** The columns of a file, all of them in any instrument's export (EC-Lab writes up to about 30). */
export const MAX_COLUMN_NAMES = 40;
const MAX_NAME_CHARS = 40;

/** A name from a file (a column, a part, a module) as a message shows it: cut, its control characters shown as '�'. */
export function shownName(name: string): string {
  const clean = name.replace(/[\u0000-\u001f\u007f-\u009f]/g, '\ufffd');
  return clean.length > MAX_NAME_CHARS ? clean.slice(0, MAX_NAME_CHARS) + '…' : clean;
}

/** "a, b, c, … (1,234 in all)", the first `max` names shown as shownName does. */
export function nameList(names: string[], none = 'none', max = MAX_NAMES): string {
  if (!names.length) return none;
  return names.slice(0, max).map(shownName).join(', ') + (names.length > max ? `, … (${names.length.toLocaleString('en')} in all)` : '');
}
