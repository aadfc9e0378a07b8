import type { types } from "@slack/bolt";
import type { MetricFormat } from "../../tools/metric-formats.ts";
import { currencySymbol, type DisplaySettings, formatValue } from "../../tools/number-format.ts";
import { capText, SLACK_LIMITS } from "./slack-limits.ts";
import type { Table } from "./table.ts";

/** Data rows a table block can show: Slack's 100 rows include the header row. */
export const TABLE_DATA_ROWS = SLACK_LIMITS.tableRows - 1;
/**
 * Characters of cell text one table block may carry. Slack refuses a message whose blocks carry about 13,200
 * characters (msg_blocks_too_long); the answer text and the context line need the rest.
 */
export const TABLE_BLOCK_CHARS = 8000;

/** A native table: the block, how much of the table it shows, and whether the full table must go out as CSV. */
export interface TableBlockFit {
  block: types.KnownBlock;
  shownRows: number;
  shownColumns: number;
  /** True when rows or columns were left out: the full table is attached as a CSV file. */
  file: boolean;
}

const NUMERIC_KINDS = new Set(["money", "count", "ratio", "number", "percent", "change"]);

/** The unit a column's header carries, so its cells can show bare numbers: "revenue (¥)", "cvr (%)". */
export function unitOf(format: MetricFormat, settings: DisplaySettings): string | null {
  if (format.kind === "money") return currencySymbol(settings.currency) || settings.currency;
  if (format.kind === "percent" || format.kind === "change") return "%";
  return null;
}

/** A cell's text: formatted as everywhere else, without the unit the header already names. */
function cellText(format: MetricFormat, value: Table["rows"][number][number], settings: DisplaySettings): string {
  const text = formatValue(format, value, settings);
  if (typeof value !== "number") return text;
  if (format.kind === "money") {
    const symbol = currencySymbol(settings.currency);
    return text.replace(symbol, "").replace(settings.currency, "").trim();
  }
  if (format.kind === "percent" || format.kind === "change") return text.replace(/%$/, "");
  return text;
}

const raw = (text: string) => ({ type: "raw_text" as const, text: capText(text || "–", SLACK_LIMITS.tableCellChars) });

/**
 * The table as a Slack `table` block: a header row with units, numbers right-aligned, at most 99 data rows and 20
 * columns, and no more than TABLE_BLOCK_CHARS characters of cells; anything left out is flagged for the CSV file.
 */
export function tableBlock(table: Table, settings: DisplaySettings): TableBlockFit {
  const shownColumns = Math.min(table.columns.length, SLACK_LIMITS.tableCells);
  const formats = table.columns.slice(0, shownColumns).map((_, i) => table.formats[i] ?? { kind: "text" as const });
  const header = table.columns.slice(0, shownColumns).map((name, i) => {
    const unit = unitOf(formats[i] as MetricFormat, settings);
    return raw(unit ? `${name} (${unit})` : name);
  });
  let chars = header.reduce((sum, cell) => sum + cell.text.length, 0);
  const rows = [header];
  for (const row of table.rows.slice(0, TABLE_DATA_ROWS)) {
    const cells = formats.map((format, i) => raw(cellText(format, row[i] ?? null, settings)));
    const size = cells.reduce((sum, cell) => sum + cell.text.length, 0);
    if (chars + size > TABLE_BLOCK_CHARS) break;
    chars += size;
    rows.push(cells);
  }
  const numeric = formats.map(
    (format, i) =>
      NUMERIC_KINDS.has(format.kind) ||
      (table.rows.length > 0 && table.rows.every((r) => typeof r[i] === "number" || r[i] === null)),
  );
  const block = {
    type: "table",
    rows,
    column_settings: numeric.map((isNumber) => (isNumber ? { align: "right" } : { is_wrapped: true })),
  } as unknown as types.KnownBlock;
  const shownRows = rows.length - 1;
  return { block, shownRows, shownColumns, file: shownRows < table.rows.length || shownColumns < table.columns.length };
}

/** One line about a table for the notification text and screen readers: what it holds and how big it is. */
export function tableSummary(table: Table): string {
  const columns = table.columns.slice(0, 6).join(", ") + (table.columns.length > 6 ? ", …" : "");
  const rows = `${table.rows.length} row${table.rows.length === 1 ? "" : "s"}`;
  return `Table ${table.title}: ${rows} × ${table.columns.length} columns (${columns}).`;
}
