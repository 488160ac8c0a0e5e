// Which files are instrument data, by name: what a folder walk of `cellspec convert` takes and what
// path completion inside `data "..."` offers. The readers themselves tell formats by content.

/** The extensions instruments write (Maccor numbers its files: .001, .041). */
export const DATA_EXTENSIONS = /\.(mpt|mpr|csv|tsv|txt|dat|res|nda|ndax|xlsx|xls|dta|z|\d{3})$/i;
