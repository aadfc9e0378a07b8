// Money in its currency: which currency a file's amounts are in (a row's column, a mark in the cell, the header's
// unit, --currency, the platform's own), and converting them to the base currency (BEACON_CURRENCY) with the rate
// table (fx_rates) or --fx-rate. An amount is never relabelled: without a rate the import is refused.
import { type FxRate, loadFxRates } from "../fx.ts";
import type { Queryable } from "../pool.ts";
import { ImportValidationError } from "./errors.ts";
import { WRITTEN_KEYS_TABLE } from "./upsert.ts";
import type { Parsed } from "./values.ts";

const ISO = /^[A-Z]{3}$/;
/** ISO 4217 codes the runtime knows, so "(net)" or "(all)" in a header are not read as currencies by accident. */
const KNOWN_CODES = new Set(Intl.supportedValuesOf("currency").filter((c) => c !== "ALL"));

/** Whether a text is an ISO 4217 currency code (upper case). */
export function isCurrencyCode(code: string): boolean {
  return KNOWN_CODES.has(code);
}

/** Currency words found in brackets in headers: "Amount spent (USD)", "Cost (CNY)", "花费(元)", "消耗（人民币）". */
const HEADER_UNITS: Record<string, string> = {
  元: "CNY",
  人民币: "CNY",
  人民币元: "CNY",
  rmb: "CNY",
  美元: "USD",
  us$: "USD",
  $: "USD",
  "¥": "CNY",
  港币: "HKD",
  港元: "HKD",
  欧元: "EUR",
  "€": "EUR",
  英镑: "GBP",
  "£": "GBP",
  日元: "JPY",
};

/** The currency a header's bracketed unit names, or null ("Cost" names none; "CTR (%)" is not a currency). */
export function currencyInHeader(header: string): string | null {
  for (const match of header.normalize("NFKC").matchAll(/[([]\s*([^)\]]+?)\s*[)\]]/g)) {
    const unit = match[1] ?? "";
    const code = unit.toUpperCase();
    if (code === "RMB") return "CNY";
    if (ISO.test(code) && KNOWN_CODES.has(code)) return code;
    const word = HEADER_UNITS[unit.toLowerCase()];
    if (word) return word;
  }
  return null;
}

/** Reads `--fx-rate USD=7.2,EUR=7.8` (units of the base currency per unit of each currency). */
export function parseFxRateOption(text: string, base: string): Parsed<Map<string, string>> {
  const rates = new Map<string, string>();
  for (const part of text.split(",").map((p) => p.trim())) {
    if (part === "") continue;
    const m = /^([A-Za-z]{3})\s*=\s*(\d+(?:\.\d+)?)$/.exec(part);
    if (!m?.[1] || !m[2]) {
      return {
        ok: false,
        error: `--fx-rate expects CODE=RATE pairs such as USD=7.2 (${base} per 1 USD), got "${part}"`,
      };
    }
    const code = m[1].toUpperCase();
    if (code === base) return { ok: false, error: `--fx-rate ${code}: ${base} is the base currency (rate 1)` };
    if (Number(m[2]) <= 0) return { ok: false, error: `--fx-rate ${code}: the rate must be above 0` };
    rates.set(code, m[2]);
  }
  if (rates.size === 0) return { ok: false, error: "--fx-rate is empty; give e.g. USD=7.2" };
  return { ok: true, value: rates };
}

/** amount x rate, rounded half away from zero to 2 decimals, exactly (decimal text in, decimal text out). */
export function convertAmount(amount: string, rate: string): string {
  const [a, aScale] = scaled(amount);
  const [r, rScale] = scaled(rate);
  const product = a * r;
  const drop = aScale + rScale - 2;
  const negative = product < 0n;
  const abs = negative ? -product : product;
  const value = drop <= 0 ? abs * 10n ** BigInt(-drop) : (abs + 10n ** BigInt(drop) / 2n) / 10n ** BigInt(drop);
  const digits = value.toString().padStart(3, "0");
  const text = `${digits.slice(0, -2)}.${digits.slice(-2)}`;
  return negative && value !== 0n ? `-${text}` : text;
}

function scaled(text: string): [bigint, number] {
  const [i = "0", f = ""] = text.split(".");
  return [BigInt(`${i}${f}`), f.length];
}

/**
 * The currency stored amounts are in: BEACON_CURRENCY as the CLI passes it; a caller that names none treats its
 * `currency` option (else CNY) as the business currency, so nothing is converted behind its back.
 */
export function baseCurrencyOf(options: { baseCurrency?: string | undefined; currency?: string | undefined }): string {
  return options.baseCurrency ?? options.currency ?? "CNY";
}

/** A rate as used: its value and where it came from, for the report. */
export interface UsedRate {
  rate: string;
  /** "--fx-rate", or "fx_rates from 2026-03-01 (<source>)". */
  from: string;
}

/** Where an import's amounts name no currency, what they are read as, and why. */
export interface DefaultCurrency {
  code: string;
  why: string;
}

/** Converts an import's amounts to the base currency; remembers the rates it used and the rows it converted. */
export class FxConverter {
  private rates: Map<string, FxRate[]> | undefined;
  private readonly used = new Map<string, { rate: UsedRate; rows: number; days: Set<string> }>();
  private readonly missing = new Set<string>();

  constructor(
    private readonly db: Queryable,
    /** BEACON_CURRENCY: what every stored amount is in. */
    readonly base: string,
    /** --fx-rate: one rate per currency for the whole run (takes precedence over fx_rates). */
    private readonly overrides: ReadonlyMap<string, string>,
    /** --currency: what amounts that name no currency are in. */
    readonly optionCurrency: string | undefined,
    /** The command that imports this file, for the fix in a missing-rate message. */
    private readonly command: string,
  ) {}

  /** The currency of amounts that name none: --currency, else the header's unit, else the platform's, else the base. */
  defaultCurrency(
    headerUnit: { header: string; code: string } | null,
    platform?: string,
    platformCode?: string,
  ): DefaultCurrency {
    if (this.optionCurrency) return { code: this.optionCurrency, why: "--currency" };
    if (headerUnit) return { code: headerUnit.code, why: `the header "${headerUnit.header}"` };
    if (platformCode) return { code: platformCode, why: `${platform} reports in ${platformCode}` };
    return { code: this.base, why: "no currency in the file: read as BEACON_CURRENCY; pass --currency if not" };
  }

  /** `amount` in `currency` on `day`, in the base currency, with the rate; an error says how to supply the rate. */
  async toBase(
    amount: string,
    currency: string,
    day: string,
    counted = true,
  ): Promise<Parsed<{ amount: string; rate: string | null }>> {
    if (currency === this.base) return { ok: true, value: { amount, rate: null } };
    const rate = await this.rateFor(currency, day);
    if (!rate) return { ok: false, error: this.missingRate(currency, day) };
    if (counted) this.count(currency, rate, day);
    return { ok: true, value: { amount: convertAmount(amount, rate.rate), rate: rate.rate } };
  }

  /** Counts a converted row for the report (once per row, however many amounts it has). */
  private count(currency: string, rate: UsedRate, day: string): void {
    const key = `${currency}\u0000${rate.rate}\u0000${rate.from}`;
    const entry = this.used.get(key) ?? { rate, rows: 0, days: new Set<string>() };
    entry.rows++;
    entry.days.add(day);
    this.used.set(key, entry);
  }

  /** Whether a missing-rate problem for this currency was already reported (one per currency is enough). */
  firstMiss(currency: string): boolean {
    if (this.missing.has(currency)) return false;
    this.missing.add(currency);
    return true;
  }

  /** The rate for a currency on a day: --fx-rate, else the latest fx_rates row valid on that day. */
  async rateFor(currency: string, day: string): Promise<UsedRate | null> {
    const override = this.overrides.get(currency);
    if (override) return { rate: override, from: "--fx-rate" };
    this.rates ??= await loadFxRates(this.db, this.base);
    let best: FxRate | undefined;
    for (const r of this.rates.get(currency) ?? []) if (r.validFrom <= day) best = r; // sorted by valid_from
    return best ? { rate: best.rate, from: `fx_rates from ${best.validFrom} (${best.source})` } : null;
  }

  /** Report notes: each rate used, on how many rows and days. */
  notes(what: string): string[] {
    return [...this.used.entries()].map(([key, u]) => {
      const currency = key.split("\u0000")[0];
      const days = [...u.days].sort();
      const span = days.length === 1 ? days[0] : `${days[0]}..${days[days.length - 1]}`;
      return `converted ${what} of ${u.rows} row${u.rows === 1 ? "" : "s"} (${span}) from ${currency} to ${this.base} at ${u.rate.rate} ${this.base} per ${currency} (${u.rate.from})`;
    });
  }

  private missingRate(currency: string, day: string): string {
    return (
      `amounts in ${currency} must be converted to ${this.base} (BEACON_CURRENCY) and there is no ${currency}->${this.base} ` +
      `rate for ${day}: run \`${this.command} --fx-rate ${currency}=<${this.base} per 1 ${currency}>\`, or load a rate table ` +
      `first with \`beacon fx import <rates.csv>\` (columns: currency, valid_from, rate_to_base)`
    );
  }
}

/** Orders in another currency than the base, grouped for the report: how many, at which rate, over which days. */
interface OrderRates {
  currency: string;
  rate: string | null;
  source: string | null;
  orders: number;
  first_day: string;
  last_day: string;
  example: string;
}

// $1 base, $2/$3 --fx-rate currencies and rates, $4 time zone. An order's day is its date in the business time zone.
const RATED_ORDERS = `
  overrides AS (SELECT * FROM unnest($2::text[], $3::numeric[]) AS v(currency, rate)),
  foreign_orders AS (
    SELECT o.id, o.external_id, o.currency, (o.ordered_at AT TIME ZONE $4)::date AS day FROM orders o WHERE o.currency <> $1
  ),
  rated AS (
    SELECT f.id, f.external_id, f.currency, f.day, coalesce(v.rate, x.rate_to_base) AS rate,
           CASE WHEN v.rate IS NOT NULL THEN '--fx-rate'
                WHEN x.valid_from IS NOT NULL THEN 'fx_rates from ' || to_char(x.valid_from, 'YYYY-MM-DD') || ' (' || x.source || ')'
           END AS source
    FROM foreign_orders f
    LEFT JOIN overrides v ON v.currency = f.currency
    LEFT JOIN LATERAL (
      SELECT r.rate_to_base, r.valid_from, r.source FROM fx_rates r
      WHERE r.base_currency = $1 AND r.currency = f.currency AND r.valid_from <= f.day
      ORDER BY r.valid_from DESC LIMIT 1
    ) x ON v.rate IS NULL
  )`;

/**
 * Converts every order stored in another currency than the base (this import's, and any left by older imports) to
 * the base at the rate of its day, keeping the original amount, currency and rate; returns the report's notes.
 * Orders on a day without a rate refuse the import, naming the currency, days, an order, and the fixing command.
 */
export async function convertForeignOrders(
  client: Queryable,
  options: {
    baseCurrency?: string | undefined;
    fxRates?: Readonly<Record<string, string>> | undefined;
    timezone: string;
  },
  filePath: string,
): Promise<string[]> {
  const command = `beacon import orders ${filePath}`;
  const base = baseCurrencyOf(options);
  const overrides = Object.entries(options.fxRates ?? {});
  const params = [base, overrides.map(([c]) => c), overrides.map(([, r]) => r), options.timezone];
  const { rows } = await client.query<OrderRates>(
    `WITH ${RATED_ORDERS}
     SELECT currency, rate::text AS rate, source, count(*)::int AS orders, to_char(min(day), 'YYYY-MM-DD') AS first_day,
            to_char(max(day), 'YYYY-MM-DD') AS last_day, min(external_id) AS example
     FROM rated GROUP BY currency, rate, source ORDER BY currency, first_day`,
    params,
  );
  const missing = rows.filter((r) => r.rate === null);
  if (missing.length > 0) {
    throw new ImportValidationError(
      filePath,
      missing.map((m) => ({
        line: 0,
        column: "currency",
        reason:
          `${m.orders} order(s) in ${m.currency} on ${m.first_day}..${m.last_day} (e.g. ${m.example}) must be converted to ${base} ` +
          `(BEACON_CURRENCY) and there is no ${m.currency}->${base} rate for those days: run \`${command} --fx-rate ${m.currency}=<${base} per 1 ${m.currency}>\`, ` +
          "or load a rate table first with `beacon fx import <rates.csv>` (columns: currency, valid_from, rate_to_base)",
      })),
    );
  }
  if (rows.length === 0) return [];
  await client.query(
    // The converted orders are noted as written, so order_attribution takes their new amounts.
    `WITH ${RATED_ORDERS},
     converted AS (
       UPDATE orders o SET original_currency = o.currency, original_amount = o.amount, fx_rate = r.rate,
         amount = round(o.amount * r.rate, 2), discount_amount = round(o.discount_amount * r.rate, 2),
         margin = round(o.margin * r.rate, 2), currency = $1
       FROM rated r WHERE r.id = o.id
       RETURNING o.id)
     INSERT INTO ${WRITTEN_KEYS_TABLE} (id) SELECT id FROM converted`,
    params,
  );
  return rows.map((r) => {
    const days = r.first_day === r.last_day ? r.first_day : `${r.first_day}..${r.last_day}`;
    return (
      `converted ${r.orders} order${r.orders === 1 ? "" : "s"} (${days}) from ${r.currency} to ${base} at ` +
      `${trimRate(r.rate ?? "")} ${base} per ${r.currency} (${r.source}); the original amounts are kept (original_amount, original_currency)`
    );
  });
}

function trimRate(rate: string): string {
  return rate.includes(".") ? rate.replace(/0+$/, "").replace(/\.$/, "") : rate;
}
