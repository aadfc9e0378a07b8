import { columnFormat, type MetricFormat } from "../../tools/metric-formats.ts";
import { csvValue, type DisplaySettings, formatValue } from "../../tools/number-format.ts";

/** A table pulled out of a tool result, ready for Slack, the console or a CSV file. */
export interface Table {
  title: string;
  columns: string[];
  rows: (string | number | null)[][];
  /** How each column prints (same order as `columns`), decided once from the metric registry. */
  formats: MetricFormat[];
}

type Scalar = string | number | boolean | null;
const isScalar = (v: unknown): v is Scalar => v === null || ["string", "number", "boolean"].includes(typeof v);

// Columns shown first per tool (the rest follow when they fit); keeps the compact Slack table to what matters.
const PREFERRED: Record<string, string[]> = {
  compute_kpis: ["spend", "revenue", "orders", "roas", "cvr", "cac_paid", "aov"],
  compute_attribution: ["conversions", "revenue", "share", "spend", "roas", "cpa"],
  recommend_budget: ["status", "current", "recommended", "change", "change_pct", "marginal_roas_recommended"],
  segment_customers: ["customers", "orders", "revenue", "customer_share", "revenue_share", "aov"],
  list_budget_proposals: ["id", "status", "author", "created_at", "decided_by", "total_budget", "expected_outcome"],
};

const LABELS = ["key", "channel", "segment", "name", "customer"];

/** The main list of a tool result as a table: `rows` when present, else its longest list of objects. */
export function tableFromResult(tool: string, result: unknown, args?: unknown): Table | null {
  if (!result || typeof result !== "object") return null;
  const record = result as Record<string, unknown>;
  const candidates = Object.entries(record).filter(
    ([, v]) => Array.isArray(v) && v.length > 0 && v.every((x) => x && typeof x === "object" && !Array.isArray(x)),
  ) as [string, Record<string, unknown>[]][];
  const chosen = candidates.find(([k]) => k === "rows") ?? candidates.sort((a, b) => b[1].length - a[1].length)[0];
  if (!chosen) return null;
  const [name, list] = chosen;
  const flat = list.map(flatten);
  const all: string[] = [];
  for (const row of flat) for (const key of Object.keys(row)) if (!all.includes(key)) all.push(key);
  const preferred = (PREFERRED[tool] ?? []).filter((c) => all.includes(c));
  // What a row is about comes first: grouping keys, then a label column.
  const keyCols = [
    ...all.filter((c) => c.startsWith("key.")),
    ...LABELS.filter((c) => all.includes(c) && !preferred.includes(c)),
  ];
  const rest = all.filter((c) => !keyCols.includes(c) && !preferred.includes(c));
  const columns = [...keyCols, ...preferred, ...rest];
  const rows = flat.map((row) => columns.map((c) => normalise(row[c])));
  const names = columns.map((c) => c.replace(/^key\./, ""));
  return {
    title: `${tool}${name === "rows" ? "" : ` ${name}`}`,
    columns: names,
    rows,
    formats: names.map((c, i) =>
      columnFormat(
        tool,
        c,
        rows.map((r) => r[i]),
        args,
      ),
    ),
  };
}

function flatten(row: Record<string, unknown>): Record<string, Scalar> {
  const out: Record<string, Scalar> = {};
  for (const [key, value] of Object.entries(row)) {
    if (isScalar(value)) out[key] = value;
    else if (key === "key" && value && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) if (isScalar(v)) out[`key.${k}`] = v;
    }
  }
  return out;
}

function normalise(value: Scalar | undefined): string | number | null {
  if (value === undefined || value === null) return null;
  if (typeof value === "boolean") return value ? "yes" : "no";
  return value;
}

/** Display width: CJK characters take two columns in a monospace font. */
function width(text: string): number {
  let w = 0;
  for (const ch of text)
    w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch)
      ? 2
      : 1;
  return w;
}

/** `text` cut to at most `max` display columns, with an ellipsis when cut. */
function clip(text: string, max: number): string {
  if (width(text) <= max) return text;
  let out = "";
  for (const ch of text) {
    if (width(out + ch) > max - 1) break;
    out += ch;
  }
  return `${out}…`;
}

/**
 * A monospace table with aligned columns (numbers right-aligned), limited to `maxColumns` and `maxRows`; with
 * `maxCellWidth`, long cells (ticket bodies, names) are cut so one cell cannot blow up the whole table.
 */
export function renderPlainTable(
  table: Table,
  settings: DisplaySettings,
  options: { maxColumns?: number; maxRows?: number; maxCellWidth?: number } = {},
): string {
  const columnCount = Math.min(table.columns.length, options.maxColumns ?? table.columns.length);
  const rows = table.rows.slice(0, options.maxRows ?? table.rows.length);
  const header = table.columns.slice(0, columnCount).map((h) => clipTo(h, options.maxCellWidth));
  const cells = rows.map((row) =>
    header.map((_, i) => clipTo(formatValue(formatOf(table, i), row[i], settings), options.maxCellWidth)),
  );
  const widths = header.map((h, i) => Math.max(width(h), ...cells.map((r) => width(r[i] ?? ""))));
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === "number" || r[i] === null));
  const pad = (text: string, i: number) => {
    const fill = " ".repeat(Math.max(0, (widths[i] ?? 0) - width(text)));
    return numeric[i] ? fill + text : text + fill;
  };
  const lines = [header.map(pad).join("  "), widths.map((w) => "-".repeat(w)).join("  ")];
  for (const row of cells) lines.push(row.map(pad).join("  ").trimEnd());
  const hidden = table.rows.length - rows.length;
  if (hidden > 0) lines.push(`… ${hidden} more row${hidden === 1 ? "" : "s"}`);
  return lines.join("\n");
}

// Line breaks inside a cell would break the row apart.
const clipTo = (text: string, max: number | undefined) =>
  max === undefined ? text : clip(text.replace(/\s+/g, " "), max);

const formatOf = (table: Table, i: number): MetricFormat => table.formats[i] ?? { kind: "text" };

/** RFC 4180 CSV with a UTF-8 BOM so Excel opens 中文 correctly; numbers machine-readable, times in the business zone. */
export function toCsv(table: Table, settings: DisplaySettings): string {
  const quote = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const row = (r: Table["rows"][number]) => r.map((v, i) => quote(csvValue(formatOf(table, i), v, settings))).join(",");
  const lines = [table.columns.map(quote).join(","), ...table.rows.map(row)];
  return `\uFEFF${lines.join("\r\n")}\r\n`;
}
