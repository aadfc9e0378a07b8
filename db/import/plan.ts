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

/** Rows held back while the day/month order is undecided; a file that has not decided it by then is scanned once more. */
const DATE_ORDER_LOOKAHEAD = 50_000;

/** The day/month order, and the file's records from the first data row on (the ones read to decide it included). */
export interface DateOrderDecision {
  order: DateOrder | undefined;
  records: AsyncGenerator<CsvRecord>;
}

/**
 * Decides DD/MM vs MM/DD from the rows as they stream: the first date that has a part > 12 settles it, and a file
 * whose date columns start with year-first (or no numeric) dates needs no decision. Rows read meanwhile are held
 * and handed on, so the import reads the file once; only a file undecided after DATE_ORDER_LOOKAHEAD rows is
 * scanned again from the start (the rows held so far would otherwise grow with the file).
 */
export async function decideDateOrder(
  head: Head,
  source: AsyncGenerator<CsvRecord>,
  plan: ColumnPlan,
  importer: EntityImporter,
  filePath: string,
  given?: DateOrder,
): Promise<DateOrderDecision> {
  const scan = new DateOrderScan(plan, importer);
  const held: CsvRecord[] = [...head.rest];
  if (given !== undefined || !scan.needed) return { order: given, records: replay(held, source) };
  for (const record of held) {
    const verdict = scan.see(record);
    if (verdict !== "open") return { order: verdict, records: replay(held, source) };
  }
  let failure: unknown;
  try {
    while (held.length < DATE_ORDER_LOOKAHEAD) {
      const next = await source.next();
      if (next.done) return { order: scan.atEnd(filePath), records: replay(held, source) };
      held.push(next.value);
      const verdict = scan.see(next.value);
      if (verdict !== "open") return { order: verdict, records: replay(held, source) };
    }
  } catch (error) {
    // Broken quoting: the import reports it with its line after the rows before it.
    if (!(error instanceof CsvFormatError)) throw error;
    failure = error;
  }
  if (failure !== undefined) return { order: scan.atEnd(filePath, true), records: replay(held, source, failure) };
  const order = await detectDateOrder(filePath, head.index, plan, importer);
  return { order, records: replay(held, source) };
}

/** Yields the held records, then the rest of the source (or the parse error that stopped the look-ahead). */
async function* replay(held: CsvRecord[], source: AsyncGenerator<CsvRecord>, failure?: unknown) {
  try {
    for (let i = 0; i < held.length; i++) {
      const record = held[i] as CsvRecord;
      held[i] = undefined as never; // let the held rows go as they are consumed
      yield record;
    }
    held.length = 0;
    if (failure !== undefined) throw failure;
    yield* source;
  } finally {
    await source.return(undefined);
  }
}

/** Follows the date columns row by row until one date proves the order or every column began without doubt. */
class DateOrderScan {
  private readonly dateColumns: [field: string, index: number][];
  private readonly firstSeen = new Set<number>();
  private example: { line: number; column: string; text: string } | undefined;

  constructor(
    private readonly plan: ColumnPlan,
    importer: EntityImporter,
  ) {
    this.dateColumns = plan.columns.filter(([f]) => {
      const type = importer.fields[f]?.type;
      return type === "date" || type === "timestamp";
    });
  }

  get needed(): boolean {
    return this.dateColumns.length > 0;
  }

  /** "open" while undecided; else the order (undefined: the file needs none). */
  see(record: CsvRecord): DateOrder | undefined | "open" {
    for (const [field, col] of this.dateColumns) {
      const text = record.fields[col]?.trim();
      if (!text) continue;
      const kind = numericDateOrder(text);
      this.firstSeen.add(col);
      if (kind === "dmy" || kind === "mdy") return kind;
      if (kind === "either" && !this.example) {
        this.example = { line: record.line, column: this.plan.headerOf(field) ?? field, text };
      }
    }
    return !this.example && this.firstSeen.size === this.dateColumns.length ? undefined : "open";
  }

  /** The file ended undecided: no order needed, or (with an ambiguous date and nothing deciding it) a refusal. */
  atEnd(filePath: string, broken = false): DateOrder | undefined {
    if (!this.example || broken) return undefined;
    throw new ImportValidationError(filePath, [
      {
        line: this.example.line,
        column: this.example.column,
        reason: `dates such as "${this.example.text}" could be day-first or month-first and no date in the file decides it; pass --date-order dmy or mdy`,
      },
    ]);
  }
}

/** Scans the whole file for the day/month order (the fallback of decideDateOrder for very long undecided files). */
export async function detectDateOrder(
  filePath: string,
  headerIndex: number,
  plan: ColumnPlan,
  importer: EntityImporter,
): Promise<DateOrder | undefined> {
  const scan = new DateOrderScan(plan, importer);
  if (!scan.needed) return undefined;
  const reader = await openImportFile(filePath);
  let index = -1;
  try {
    for await (const record of reader.records) {
      if (++index <= headerIndex) continue;
      const verdict = scan.see(record);
      if (verdict !== "open") return verdict;
    }
  } catch (error) {
    if (error instanceof CsvFormatError) return undefined; // the main pass reports it with its line
    throw error;
  }
  return scan.atEnd(filePath);
}
