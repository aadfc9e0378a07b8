// CSV import: `beacon import <entity> <file.csv>`. See formats.ts for the accepted columns.

export type { EntityCandidate, EntityDetection } from "./detect.ts";
export { detectEntity } from "./detect.ts";
export { ImportValidationError } from "./errors.ts";
export type { ColumnFormat, EntityFormat } from "./formats.ts";
export { IMPORT_FORMATS, renderImportFormatsMarkdown } from "./formats.ts";
export { importCsv } from "./run.ts";
export type { ImportEntity, ImportOptions, ImportProblem, ImportReport, ImportWritten } from "./types.ts";
export { IMPORT_ENTITIES } from "./types.ts";
export type { DateOrder } from "./values.ts";
