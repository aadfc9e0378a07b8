// Exchange rates into the base currency (fx_rates): reading a rates CSV, storing and listing rates.
import { matchHeader } from "./import/columns.ts";
import { CsvFormatError, openCsv } from "./import/csv-reader.ts";
import type { ImportProblem } from "./import/types.ts";
import { parseDate, parseNumber } from "./import/values.ts";
import type { Queryable } from "./pool.ts";

/** One stored rate: 1 `currency` = `rate` units of the base currency, from `validFrom` until the next rate. */
export interface FxRate {
  currency: string;
  validFrom: string;
  rate: string;
  source: string;
}

/** Rates into `base`, per currency in valid_from order. */
export async function loadFxRates(db: Queryable, base: string): Promise<Map<string, FxRate[]>> {
  const { rows } = await db.query<{ currency: string; valid_from: string; rate: string; source: string }>(
    `SELECT currency, to_char(valid_from, 'YYYY-MM-DD') AS valid_from, rate_to_base::text AS rate, source
     FROM fx_rates WHERE base_currency = $1 ORDER BY currency, valid_from`,
    [base],
  );
  const rates = new Map<string, FxRate[]>();
  for (const r of rows) {
    const rate = { currency: r.currency, validFrom: r.valid_from, rate: trimZeros(r.rate), source: r.source };
    rates.set(r.currency, [...(rates.get(r.currency) ?? []), rate]);
  }
  return rates;
}

function trimZeros(text: string): string {
  return text.includes(".") ? text.replace(/0+$/, "").replace(/\.$/, "") : text;
}

/** Upserts rates into `base`; returns how many were new and how many replaced a rate of the same day. */
export async function saveFxRates(
  db: Queryable,
  base: string,
  rates: readonly FxRate[],
): Promise<{ inserted: number; updated: number }> {
  const { rows } = await db.query<{ inserted: number; updated: number }>(
    `WITH written AS (
       INSERT INTO fx_rates AS t (base_currency, currency, valid_from, rate_to_base, source, imported_at)
       SELECT $1, c, d, r, s, now() FROM unnest($2::text[], $3::date[], $4::numeric[], $5::text[]) AS v(c, d, r, s)
       ON CONFLICT (base_currency, currency, valid_from)
       DO UPDATE SET rate_to_base = EXCLUDED.rate_to_base, source = EXCLUDED.source, imported_at = now()
       RETURNING (xmax = 0) AS inserted)
     SELECT count(*) FILTER (WHERE inserted)::int AS inserted, count(*) FILTER (WHERE NOT inserted)::int AS updated
     FROM written`,
    [
      base,
      rates.map((r) => r.currency),
      rates.map((r) => r.validFrom),
      rates.map((r) => r.rate),
      rates.map((r) => r.source),
    ],
  );
  return { inserted: rows[0]?.inserted ?? 0, updated: rows[0]?.updated ?? 0 };
}

/** Every stored rate into `base` (newest first per currency), for `beacon fx list`. */
export async function listFxRates(db: Queryable, base: string): Promise<FxRate[]> {
  const rates = await loadFxRates(db, base);
  return [...rates.values()].flatMap((list) => [...list].reverse());
}

const FX_FIELDS = [
  { name: "currency", aliases: ["currency code", "code", "from", "from currency", "币种", "货币"] },
  { name: "valid_from", aliases: ["date", "day", "valid from", "effective date", "as of", "日期", "生效日期"] },
  { name: "rate_to_base", aliases: ["rate", "exchange rate", "fx rate", "rate to base", "汇率"] },
  { name: "source", aliases: ["rate source", "来源"] },
];

/** A rates file read: its rates, or every problem with its line. */
export type FxFile = { ok: true; rates: FxRate[]; base: string } | { ok: false; problems: ImportProblem[] };

/**
 * Reads a rates CSV: currency, valid_from (a date), rate_to_base (base units per 1 unit), optional source. A header
 * such as "rate to CNY" or "CNY per unit" names the base; it must be `base` (BEACON_CURRENCY).
 */
export async function readFxRatesCsv(filePath: string, base: string, defaultSource: string): Promise<FxFile> {
  const problems: ImportProblem[] = [];
  const rates: FxRate[] = [];
  const seen = new Map<string, number>();
  let header: string[] | undefined;
  let columns = new Map<string, number>();
  try {
    const reader = await openCsv(filePath);
    for await (const { line, fields } of reader.records) {
      if (!header) {
        header = fields;
        const baseProblem = baseInHeader(fields, base);
        if (baseProblem) return { ok: false, problems: [{ line, reason: baseProblem }] };
        columns = matchHeader(
          fields.map((h) => (baseNamedBy(h) ? "rate_to_base" : h)),
          FX_FIELDS,
        ).columns;
        const missing = ["currency", "valid_from", "rate_to_base"].filter((f) => !columns.has(f));
        if (missing.length > 0) {
          const given = fields.map((f) => `"${f}"`).join(", ");
          return {
            ok: false,
            problems: [{ line, reason: `missing column(s) ${missing.join(", ")}; the file's columns are ${given}` }],
          };
        }
        continue;
      }
      if (fields.every((f) => f.trim() === "")) continue;
      const rate = readRateRow(fields, columns, base, defaultSource);
      if (!rate.ok) {
        problems.push({ line, reason: rate.error });
        continue;
      }
      const key = `${rate.value.currency} ${rate.value.validFrom}`;
      const first = seen.get(key);
      if (first !== undefined) problems.push({ line, reason: `repeats line ${first}: same currency and date` });
      else seen.set(key, line);
      rates.push(rate.value);
    }
  } catch (error) {
    if (error instanceof CsvFormatError) return { ok: false, problems: [{ line: error.line, reason: error.message }] };
    throw error;
  }
  if (!header) return { ok: false, problems: [{ line: 0, reason: "the file is empty (no header line)" }] };
  if (problems.length > 0) return { ok: false, problems };
  if (rates.length === 0) return { ok: false, problems: [{ line: 0, reason: "the file has a header but no rates" }] };
  return { ok: true, rates, base };
}

/** A header naming another base ("rate to USD" while BEACON_CURRENCY is CNY) would store rates the wrong way round. */
function baseInHeader(fields: readonly string[], base: string): string | null {
  for (const f of fields) {
    const named = baseNamedBy(f);
    if (named && named !== base) {
      return `column "${f}" gives rates into ${named}, but amounts are stored in ${base} (BEACON_CURRENCY): give rates as ${base} per 1 unit of each currency`;
    }
  }
  return null;
}

/** The base currency a rate header names: "rate to CNY", "rate_to_cny", "CNY per unit", or null. */
function baseNamedBy(header: string): string | null {
  const m = /\brate\s+(?:to|in)\s+([A-Za-z]{3})\b|\b([A-Za-z]{3})\s+per\s+unit\b/i.exec(header.replace(/_/g, " "));
  return (m?.[1] ?? m?.[2])?.toUpperCase() ?? null;
}

function readRateRow(
  fields: readonly string[],
  columns: Map<string, number>,
  base: string,
  defaultSource: string,
): { ok: true; value: FxRate } | { ok: false; error: string } {
  const cell = (name: string) => fields[columns.get(name) ?? -1]?.trim() ?? "";
  const currency = cell("currency").toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency))
    return { ok: false, error: `currency: expected a 3-letter code, got "${cell("currency")}"` };
  if (currency === base) return { ok: false, error: `currency: ${base} is the base currency (its rate is 1)` };
  const day = parseDate(cell("valid_from"), { timezone: "UTC", dateOrder: "ymd" });
  if (!day.ok) return { ok: false, error: `valid_from: ${day.error}; got "${cell("valid_from")}"` };
  const number = parseNumber(cell("rate_to_base"));
  if (!number.ok || number.value.percent || number.value.currency) {
    return { ok: false, error: `rate_to_base: expected a plain number, got "${cell("rate_to_base")}"` };
  }
  if (!(Number(number.value.value) > 0)) return { ok: false, error: "rate_to_base: must be above 0" };
  const digits = number.value.value.split(".");
  if ((digits[0]?.length ?? 0) > 10 || (digits[1]?.length ?? 0) > 10) {
    return { ok: false, error: "rate_to_base: at most 10 digits before and after the decimal point" };
  }
  return {
    ok: true,
    value: { currency, validFrom: day.value, rate: number.value.value, source: cell("source") || defaultSource },
  };
}
