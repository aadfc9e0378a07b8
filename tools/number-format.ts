// The one number formatter: tables in Slack and the console, CSV files, chart axes and summary sentences.
import { displayDate, displayDateTime, isoInZone, parseInstant } from "./business-time.ts";
import type { MetricFormat } from "./metric-formats.ts";

/** The business settings every formatted value depends on (BEACON_CURRENCY, BEACON_TIMEZONE). */
export interface DisplaySettings {
  currency: string;
  timezone: string;
}

/** What people see where there is no value, or a ratio is undefined. */
export const MISSING = "–";
// A real minus sign: a hyphen next to "+53.6%" reads as a dash.
const MINUS = "\u2212";

type Cell = string | number | boolean | null | undefined;

const numberFormats = new Map<string, Intl.NumberFormat>();
function numberFormat(key: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  let format = numberFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat("en-US", options);
    numberFormats.set(key, format);
  }
  return format;
}

/** The currency's own number of decimals (2 for CNY, USD, EUR; 0 for JPY). */
export function currencyDecimals(currency: string): number {
  return numberFormat(`cur:${currency}`, { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** The currency's short symbol, e.g. "¥" for CNY. */
export function currencySymbol(currency: string): string {
  const parts = numberFormat(`sym:${currency}`, {
    style: "currency",
    currency,
    currencyDisplay: "narrowSymbol",
  }).formatToParts(0);
  return parts.find((p) => p.type === "currency")?.value ?? currency;
}

// Rounded first, so -0.001 prints as 0.00 rather than -0.00 and the sign matches what is shown.
function rounded(value: number, decimals: number): number {
  const r = Number(value.toFixed(decimals));
  return r === 0 ? 0 : r;
}

function grouped(value: number, decimals: number, signed: boolean, currency?: string): string {
  const r = rounded(value, decimals);
  const options: Intl.NumberFormatOptions = {
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
    signDisplay: signed ? "exceptZero" : "auto",
    ...(currency ? { style: "currency", currency, currencyDisplay: "narrowSymbol" } : {}),
  };
  const text = numberFormat(JSON.stringify(options), options).format(r);
  return text.replace("-", MINUS);
}

/** Money with the currency symbol and the currency's decimals: "¥24,581.98"; signed: "+¥691.01", "−¥401.00". */
export function formatMoney(value: number, currency: string, signed = false): string {
  return grouped(value, currencyDecimals(currency), signed, currency);
}

/** A count with thousands separators: "1,061". */
export function formatCount(value: number, decimals = 0): string {
  return grouped(value, decimals, false);
}

/** A ratio such as ROAS with fixed decimals: "4.28". */
export function formatRatio(value: number, decimals = 2): string {
  return grouped(value, decimals, false);
}

/** A fraction as a percentage without sign (shares, rates): 0.245 -> "24.5%". */
export function formatPercent(fraction: number, decimals = 1): string {
  return `${grouped(fraction * 100, decimals, false)}%`;
}

/** A relative change as a signed percentage: 0.536 -> "+53.6%", -0.12 -> "−12.0%". */
export function formatChange(fraction: number, decimals = 1): string {
  return `${grouped(fraction * 100, decimals, true)}%`;
}

const usable = (value: Cell): value is string | number | boolean =>
  value !== null && value !== undefined && !(typeof value === "number" && !Number.isFinite(value));

/** One value as people read it, in a column of the given format; "–" when there is none. */
export function formatValue(format: MetricFormat, value: Cell, settings: DisplaySettings): string {
  if (!usable(value)) return MISSING;
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (typeof value === "string") {
    if (format.kind === "datetime") return displayDateTime(value, settings.timezone);
    if (format.kind === "date") return displayDate(value, settings.timezone);
    // A timestamp in a column of unknown meaning (query_database) is still shown in the business zone.
    return parseInstant(value) ? displayDateTime(value, settings.timezone) : value;
  }
  switch (format.kind) {
    case "money":
      return formatMoney(value, settings.currency, format.signed ?? false);
    case "percent":
      return formatPercent(value, format.decimals ?? 1);
    case "change":
      return formatChange(value, format.decimals ?? 1);
    case "id":
    case "date":
    case "datetime":
      return String(value);
    case "count":
    case "ratio":
    case "number":
      return grouped(value, format.decimals ?? 0, format.signed ?? false);
    case "text":
      return grouped(value, Number.isInteger(value) ? 0 : 2, false);
  }
}

/**
 * One value for a CSV file: machine-readable (no separators, symbols or "%"; fractions stay fractions) with the
 * decimals the table shows, and timestamps as ISO 8601 in the business zone. Empty when there is no value.
 */
export function csvValue(format: MetricFormat, value: Cell, settings: DisplaySettings): string {
  if (!usable(value)) return "";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "string") {
    const instant = format.kind === "date" ? null : parseInstant(value);
    return instant ? isoInZone(instant, settings.timezone) : value;
  }
  const fixed = (decimals: number) => rounded(value, decimals).toFixed(decimals);
  switch (format.kind) {
    case "money":
      return fixed(currencyDecimals(settings.currency));
    case "percent":
    case "change":
      return fixed((format.decimals ?? 1) + 2);
    case "id":
    case "date":
    case "datetime":
      return String(value);
    case "count":
    case "ratio":
    case "number":
      return fixed(format.decimals ?? 0);
    case "text":
      return fixed(Number.isInteger(value) ? 0 : 2);
  }
}
