// The cursor in a test document, written where it is: `stack Cu | L‸i 50 µm`. The house
// reference (prisma's language tools) marks it with `|`, but in cellspec `|` separates the layers
// of a stack, so the marker is the caret ‸ (U+2038), which no spec contains.
export const CURSOR = '‸';

/** `cell c { diam‸eter 9 mm }` -> the text without the marker and the marker's offset in it. */
export function cursorAt(src: string): { text: string; offset: number } {
  const offset = src.indexOf(CURSOR);
  if (offset < 0) throw new Error(`test source needs a ${CURSOR} cursor marker`);
  if (src.indexOf(CURSOR, offset + 1) >= 0) throw new Error(`test source has more than one ${CURSOR} cursor marker`);
  return { text: src.slice(0, offset) + src.slice(offset + CURSOR.length), offset };
}
