// The version of what the readers return, part of the on-disk table cache's key
// (results/diskTableCache.ts): raise it with any change to a reader that changes a table
// (values, columns, units, problems, line numbers), so no table of an older reader is used.
export const READER_VERSION = 1;
