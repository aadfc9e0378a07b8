// Money cells of one import in the base currency: which currency a column's cells are in (the row's currency
// column, a mark in the cell, the header's unit, --currency, the platform's, BEACON_CURRENCY) and converting them.
import { currencyInHeader, type DefaultCurrency, isCurrencyCode } from "./currency.ts";
import type { ImportSession } from "./entity.ts";
import { ImportValidationError } from "./errors.ts";
import type { Money } from "./fields.ts";
import type { Parsed } from "./values.ts";

/** Reads a currency column: an ISO 4217 code (RMB is CNY). */
export function readCurrency(text: string): Parsed<string> {
  const code = text.toUpperCase() === "RMB" ? "CNY" : text.toUpperCase();
  return isCurrencyCode(code)
    ? { ok: true, value: code }
    : { ok: false, error: "expected a 3-letter currency code (ISO 4217)" };
}

/**
 * The currency of a money column's cells that name none: --currency, the header's unit, the platform's currency, else
 * BEACON_CURRENCY. A header unit that contradicts --currency refuses the file: one of them is wrong.
 */
export function fileCurrency(session: ImportSession, fieldName: string): DefaultCurrency {
  const header = session.head.of(fieldName);
  const unit = header === undefined ? null : currencyInHeader(header);
  const option = session.fx.optionCurrency;
  if (header !== undefined && unit !== null && option !== undefined && unit !== option) {
    throw new ImportValidationError(session.file, [
      {
        line: session.head.line,
        column: header,
        reason: `the header says the amounts are in ${unit} but --currency says ${option}; drop --currency or fix the header`,
      },
    ]);
  }
  const platform = session.head.platform;
  return session.fx.defaultCurrency(
    unit !== null && header !== undefined ? { header, code: unit } : null,
    platform?.platform,
    platform?.currency,
  );
}

/** The currency a money column's own header names ("Conv. value (USD)"), as a default for its cells. */
export function ownUnit(session: ImportSession, fieldName: string): DefaultCurrency | null {
  const header = session.head.of(fieldName);
  const unit = header === undefined ? null : currencyInHeader(header);
  return unit === null ? null : { code: unit, why: `the header "${header}"` };
}

export type InBase =
  | { ok: true; value: { amount: string; currency: string; rate: string | null } }
  | { ok: false; field?: string; error: string; report: boolean };

/** A money cell in the base currency: its currency from the row's column, its own mark, else the file's default. */
export async function inBase(
  session: ImportSession,
  fallback: DefaultCurrency,
  column: string | null,
  money: Money,
  day: string,
  counted = true,
): Promise<InBase> {
  if (column !== null && money.currency !== null && column !== money.currency) {
    return {
      ok: false,
      field: "currency",
      error: `says ${column} but the amount is marked ${money.currency}`,
      report: true,
    };
  }
  const currency = column ?? money.currency ?? fallback.code;
  const converted = await session.fx.toBase(money.amount, currency, day, counted);
  if (!converted.ok) return { ok: false, error: converted.error, report: session.fx.firstMiss(currency) };
  return { ok: true, value: { ...converted.value, currency } };
}
