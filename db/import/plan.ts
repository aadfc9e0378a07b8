// Before any row is read: find the header (skipping title lines), map file columns to fields, check required
// columns, and decide the day/month order of numeric dates from the file.
import { AppError } from "../../errors.ts";
import { type AdPlatform, detectAdPlatform } from "./ad-platforms.ts";
import { matchHeader } from "./columns.ts";
import { CsvFormatError, type CsvReader, type CsvRecord, openCsv } from "./csv-reader.ts";
import type { EntityImporter } from "./entity.ts";
import { ImportValidationError } from "./errors.ts";
import type { ImportOptions, ImportProblem } from "./types.ts";
import { type DateOrder, numericDateOrder } from "./values.ts";

/** Exports such as Google Ads put a title and a date range above the header. */
const HEADER_SEARCH_RECORDS = 10;

/** Opens the CSV, turning unreadable files into the importer's errors. */
export async function openImportFile(filePath: string): Promise<CsvReader> {
  try {
    return await openCsv(filePath);
  } catch (error) {
    if (error instanceof CsvFormatError)
      throw new ImportValidationError(filePath, [{ line: 0, reason: error.message }]);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "EISDIR") throw new AppError("not_found", `no such file: ${filePath}`);
    throw error;
  }
}

/** The header row and what was read to find it. */
export interface Head {
  header: string[];
  /** Index of the header among the file's records (preamble lines before it). */
  index: number;
  /** The header's line in the file (3 below a Google Ads title and date range). */
  line: number;
  /** Records read past the header while looking for it. */
  rest: CsvRecord[];
  notes: string[];
  /** The "# ..." comment lines the file opened with (GA4: report name, date range), for the importer. */
  preamble: string[];
}

/** The header is the first record naming at least two known fields (within the first few), else the first record. */
export async function readHeader(reader: CsvReader, importer: EntityImporter, filePath: string): Promise<Head> {
  const seen: CsvRecord[] = [];
  const fields = Object.entries(importer.fields).map(([name, f]) => ({ name, aliases: f.aliases }));
  const { preamble } = reader;
  const comments = preamble.length > 0 ? [`skipped ${preamble.length} "#" comment line(s) above the header`] : [];
  try {
    while (seen.length < HEADER_SEARCH_RECORDS) {
      const next = await reader.records.next();
      if (next.done) break;
      seen.push(next.value);
      if (matchHeader(next.value.fields, fields).columns.size >= 2) {
        const index = seen.length - 1;
        const notes = index > 0 ? [`skipped ${index} line(s) above the header (line ${next.value.line})`] : [];
        return {
          header: next.value.fields,
          index,
          line: next.value.line,
          rest: [],
          notes: [...comments, ...notes],
          preamble,
        };
      }
    }
  } catch (error) {
    if (error instanceof CsvFormatError)
      throw new ImportValidationError(filePath, [{ line: error.line, reason: error.message }]);
    throw error;
  }
  const [first, ...rest] = seen;
  if (!first) throw new ImportValidationError(filePath, [{ line: 0, reason: "the file is empty (no header line)" }]);
  return { header: first.fields, index: 0, line: first.line, rest, notes: comments, preamble };
}

/** Which file column feeds which field, and which fields an option supplies. */
export interface ColumnPlan {
  header: string[];
  columns: [field: string, index: number][];
  fromOptions: [field: string, value: string][];
  present: Set<string>;
  ignored: string[];
  notes: string[];
  /** The ad platform the header names when the file has no channel column and no --channel (ad_spend). */
  platform: AdPlatform | null;
  /** The header's line in the file, for problems with columns. */
  headerLine: number;
  headerOf(field: string): string | undefined;
}

/** Maps header columns to fields; throws ImportValidationError for missing or conflicting columns. */
export function planColumns(
  importer: EntityImporter,
  header: string[],
  options: ImportOptions,
  filePath: string,
  headerLine = 1,
): ColumnPlan {
  const fields = Object.entries(importer.fields).map(([name, f]) => ({ name, aliases: f.aliases }));
  const match = matchHeader(header, fields);
  const problems: ImportProblem[] = match.conflicts.map((c) => ({
    line: headerLine,
    reason: `columns ${c.headers.map((h) => `"${h}"`).join(" and ")} both give ${c.field}; keep one`,
  }));
  const fromOptions: [string, string][] = [];
  const notes = match.superseded.map((s) => `column "${s.header}" ignored: "${s.usedHeader}" already gives ${s.field}`);
  const channelField = importer.channelField;
  if (options.channel !== undefined && channelField) {
    if (match.columns.has(channelField)) notes.push(`--channel ignored: the file has a ${channelField} column`);
    else fromOptions.push([channelField, options.channel]);
  }
  const platform = importer.entity === "ad_spend" && !match.columns.has("channel") ? platformOf(header, options) : null;
  if (platform) {
    fromOptions.push(["channel", platform.platform]); // the catalogue's channel code replaces it once the import starts
    notes.push(`platform: ${platform.platform} (from the header)`);
  }
  const present = new Set([...match.columns.keys(), ...fromOptions.map(([f]) => f)]);
  const missing = Object.entries(importer.fields)
    .filter(([name, f]) => f.required && !present.has(name))
    .map(([name, f]) => describeField(name, f.aliases, name === channelField));
  for (const group of importer.requireOneOf ?? []) {
    if (!group.some((f) => present.has(f)))
      missing.push(group.map((f) => describeField(f, importer.fields[f]?.aliases ?? [])).join(" or "));
  }
  if (missing.length > 0) {
    problems.push({
      line: headerLine,
      reason: `missing required column${missing.length === 1 ? "" : "s"}: ${missing.join("; ")}. The file's columns are: ${
        header.map((h) => `"${h}"`).join(", ") || "(none)"
      }`,
    });
  }
  if (problems.length > 0) throw new ImportValidationError(filePath, problems);
  const columns = [...match.columns.entries()];
  return {
    header,
    columns,
    fromOptions,
    present,
    ignored: match.ignored,
    notes,
    platform,
    headerLine,
    headerOf: (field) => {
      const index = match.columns.get(field);
      if (index !== undefined) return header[index];
      if (platform && field === "channel") return "channel (from the header)";
      return fromOptions.some(([f]) => f === field) ? "--channel" : undefined;
    },
  };
}

/** The ad platform a header's signature names, unless --channel says it (then the option wins). */
function platformOf(header: readonly string[], options: ImportOptions): AdPlatform | null {
  if (options.channel !== undefined) return null;
  return detectAdPlatform(header).platform;
}

function describeField(name: string, aliases: readonly string[], channel = false): string {
  const shown = aliases.slice(0, 8).join(", ");
  const more = aliases.length > 8 ? ", ..." : "";
  return `${name} (also accepted: ${shown}${more})${channel ? " [or pass --channel for a one-platform export]" : ""}`;
}

/**
 * Decides DD/MM vs MM/DD from the file: the first date that has a part > 12 settles it. Reads only as far as
 * needed, and not at all past the first row when no date column starts with such a date.
 */
export async function detectDateOrder(
  filePath: string,
  headerIndex: number,
  plan: ColumnPlan,
  importer: EntityImporter,
): Promise<DateOrder | undefined> {
  const dateColumns = plan.columns.filter(([f]) => {
    const type = importer.fields[f]?.type;
    return type === "date" || type === "timestamp";
  });
  if (dateColumns.length === 0) return undefined;
  const reader = await openImportFile(filePath);
  let index = -1;
  let example: { line: number; column: string; text: string } | undefined;
  const firstSeen = new Set<number>();
  try {
    for await (const record of reader.records) {
      if (++index <= headerIndex) continue;
      for (const [field, col] of dateColumns) {
        const text = record.fields[col]?.trim();
        if (!text) continue;
        const kind = numericDateOrder(text);
        if (!firstSeen.has(col)) firstSeen.add(col);
        if (kind === "dmy" || kind === "mdy") return kind;
        if (kind === "either" && !example) example = { line: record.line, column: plan.headerOf(field) ?? field, text };
      }
      if (!example && firstSeen.size === dateColumns.length) return undefined;
    }
  } catch (error) {
    if (error instanceof CsvFormatError) return undefined; // the main pass reports it with its line
    throw error;
  }
  if (!example) return undefined;
  throw new ImportValidationError(filePath, [
    {
      line: example.line,
      column: example.column,
      reason: `dates such as "${example.text}" could be day-first or month-first and no date in the file decides it; pass --date-order dmy or mdy`,
    },
  ]);
}
