// Field definitions: each carries its documentation (type, aliases, description) and builds its zod schema,
// so the validation and the published import formats come from one place.
import { z } from "zod";
import { normaliseKey } from "./columns.ts";
import {
  normalisePhone,
  type Parsed,
  type ParsedNumber,
  parseBoolean,
  parseDate,
  parseNumber,
  parseTimestamp,
  type ValueContext,
} from "./values.ts";

/** The documented type of a column. */
export type FieldType =
  | "text"
  | "id"
  | "date"
  | "timestamp"
  | "money"
  | "decimal"
  | "integer"
  | "phone"
  | "email"
  | "boolean"
  | "enum"
  | "channel"
  | "customer"
  | "campaign";

/** One column of an import format: documentation plus the schema for its cell. */
export interface FieldDef<T, R extends boolean = boolean> {
  readonly type: FieldType;
  readonly required: R;
  readonly aliases: readonly string[];
  readonly description: string;
  /** Accepted values (enums), for the docs. */
  readonly values?: readonly string[];
  /** The cell schema: input is the raw text (undefined when the file lacks the column). */
  schema(context: ValueContext): z.ZodType<R extends true ? T : T | null, string | undefined>;
}

interface FieldOptions<R extends boolean> {
  required: R;
  aliases?: readonly string[];
  description: string;
}

/** Builds a field from a parser: blank cells are "required" problems or null, others go through `parse`. */
function define<T>(type: FieldType, parse: (text: string, context: ValueContext) => Parsed<T>, values?: string[]) {
  return <R extends boolean>(options: FieldOptions<R>): FieldDef<T, R> => ({
    type,
    required: options.required,
    aliases: options.aliases ?? [],
    description: options.description,
    ...(values ? { values } : {}),
    schema(context) {
      const schema = z
        .string()
        .optional()
        .transform((raw, ctx) => {
          const text = raw?.trim() ?? "";
          if (text === "") {
            if (options.required) ctx.addIssue({ code: "custom", message: "is required but empty" });
            return null;
          }
          const parsed = parse(text, context);
          if (parsed.ok) return parsed.value;
          ctx.addIssue({ code: "custom", message: parsed.error });
          return z.NEVER;
        });
      return schema as unknown as z.ZodType<R extends true ? T : T | null, string | undefined>;
    },
  });
}

function text(max: number) {
  return define<string>("text", (value) => (value.length <= max ? ok(value) : fail(`longer than ${max} characters`)));
}

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(error: string): Parsed<T> => ({ ok: false, error });

/** A money amount: exact decimal text, >= 0, at most 12 integer digits (numeric(14,2)); currency kept. */
export interface Money {
  amount: string;
  currency: string | null;
}

/** A money cell that may also be a percentage of another amount (discount "10%"). */
export interface MoneyOrPercent extends Money {
  percent: boolean;
}

function money(allowPercent: boolean) {
  return (text: string): Parsed<MoneyOrPercent> => {
    const parsed = parseNumber(text);
    if (!parsed.ok) return parsed;
    const { value, currency, percent } = parsed.value;
    if (percent && !allowPercent) return fail("a percentage is not accepted here");
    if (value.startsWith("-")) return fail("must not be negative");
    if (percent && Number(value) > 100) return fail("a percentage above 100%");
    if ((value.split(".")[0] ?? "").length > 12) return fail("too large (at most 12 digits before the decimal point)");
    return ok({ amount: value, currency, percent });
  };
}

function nonNegativeDecimal(text: string): Parsed<string> {
  const parsed = parseNumber(text);
  if (!parsed.ok) return parsed;
  if (parsed.value.percent) return fail("a percentage is not accepted here");
  if (parsed.value.value.startsWith("-")) return fail("must not be negative");
  return ok(parsed.value.value);
}

function integer(min: number, max: number) {
  return (text: string): Parsed<number> => {
    const parsed = parseNumber(text);
    if (!parsed.ok) return parsed;
    const { value, percent, currency } = parsed.value as ParsedNumber;
    if (percent || currency) return fail("expected a plain whole number");
    if (!/^-?\d+(\.0*)?$/.test(value)) return fail("expected a whole number");
    const n = Number.parseInt(value, 10);
    if (!Number.isSafeInteger(n) || n < min || n > max) return fail(`expected a whole number from ${min} to ${max}`);
    return ok(n);
  };
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** An enumeration read through synonyms (normalised: lower case, no spaces or punctuation). */
function enumeration<T extends string>(values: readonly T[], synonyms: Record<string, T>) {
  const lookup = new Map<string, T>();
  for (const v of values) lookup.set(normaliseKey(v), v);
  for (const [word, v] of Object.entries(synonyms)) lookup.set(normaliseKey(word), v);
  return define<T>(
    "enum",
    (value) => {
      const hit = lookup.get(normaliseKey(value));
      return hit ? ok(hit) : fail(`expected one of ${values.join(", ")}`);
    },
    [...values],
  );
}

/** The field builders entity formats are written with. */
export const field = {
  /** A field with its own parser (documented as `type`). */
  custom: <T>(type: FieldType, parse: (text: string, context: ValueContext) => Parsed<T>) => define<T>(type, parse),
  /** An external identifier (kept verbatim, trimmed). */
  id: define<string>("id", (value) => (value.length <= 200 ? ok(value) : fail("longer than 200 characters"))),
  /** Free text up to 500 characters. */
  text: text(500),
  /** Long free text (comments) up to 10,000 characters. */
  longText: text(10_000),
  date: define<string>("date", parseDate),
  timestamp: define<string>("timestamp", parseTimestamp),
  money: define<Money>("money", money(false)),
  moneyOrPercent: define<MoneyOrPercent>("money", money(true)),
  decimal: define<string>("decimal", nonNegativeDecimal),
  count: define<number>("integer", integer(0, Number.MAX_SAFE_INTEGER)),
  integer: (min: number, max: number) => define<number>("integer", integer(min, max)),
  /** Digits with country code; numbers without "+" read in the context's phoneRegion (BEACON_DEFAULT_PHONE_REGION). */
  phone: define<string>("phone", (value, context) => normalisePhone(value, context.phoneRegion)),
  email: define<string>("email", (value) =>
    EMAIL.test(value) && value.length <= 320 ? ok(value) : fail("not an email address"),
  ),
  boolean: define<boolean>("boolean", parseBoolean),
  enumeration,
  /** A channel named by code, name or platform; resolved against the channels table. */
  channel: define<string>("channel", (value) => ok(value)),
  /** A customer named by external id; resolved against the customers table. */
  customer: define<string>("customer", (value) => ok(value)),
  /** A campaign named by external id or name; resolved against the campaigns table. */
  campaign: define<string>("campaign", (value) =>
    value.length <= 300 ? ok(value) : fail("longer than 300 characters"),
  ),
};

/** Any field definition, whatever its value type. */
// biome-ignore lint/suspicious/noExplicitAny: a heterogeneous record of fields needs the widest element type
export type AnyField = FieldDef<any, boolean>;

/** The row type a set of fields produces. */
export type RowOf<F extends Record<string, AnyField>> = {
  [K in keyof F]: F[K] extends FieldDef<infer T, infer R> ? (R extends true ? T : T | null) : never;
};

/** The zod object schema for a row of `fields`. */
export function rowSchema<F extends Record<string, AnyField>>(
  fields: F,
  context: ValueContext,
): z.ZodType<RowOf<F>, Record<string, string | undefined>> {
  const shape = Object.fromEntries(Object.entries(fields).map(([name, f]) => [name, f.schema(context)]));
  return z.object(shape) as unknown as z.ZodType<RowOf<F>, Record<string, string | undefined>>;
}

/**
 * A copy of `def` whose blank cells are null instead of a problem (non-blank cells are read exactly as `def` reads
 * them). `required` stays what the caller says: it decides whether the column must exist, and the documentation.
 * Used for customer columns inside order files and for order columns that line-item rows leave empty.
 */
export function blankAllowed<T>(
  def: FieldDef<T, boolean>,
  overrides: { required: boolean; aliases?: readonly string[]; description?: string },
): FieldDef<T, boolean> {
  return {
    ...def,
    required: overrides.required,
    aliases: overrides.aliases ?? def.aliases,
    description: overrides.description ?? def.description,
    schema(context) {
      const inner = def.schema(context);
      const schema = z
        .string()
        .optional()
        .transform((raw, ctx) => {
          if ((raw?.trim() ?? "") === "") return null;
          const parsed = inner.safeParse(raw);
          if (parsed.success) return parsed.data;
          for (const issue of parsed.error.issues) ctx.addIssue({ code: "custom", message: issue.message });
          return z.NEVER;
        });
      return schema as unknown as z.ZodType<T | null, string | undefined>;
    },
  };
}
