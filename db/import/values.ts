// Pure parsers for the values found in real CSV exports: dates in many spellings, numbers with thousands
// separators and currency marks, phone numbers, yes/no flags. No I/O; every function is unit-tested.
import { type CountryCode, parsePhoneNumberFromString } from "libphonenumber-js/max";

/** How to read `05/03/2026`: day first (dmy), month first (mdy); ymd means only year-first dates are expected. */
export type DateOrder = "ymd" | "dmy" | "mdy";

/** A parse result: the value, or a reason a person can act on. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(error: string): Parsed<T> => ({ ok: false, error });

/** Settings that decide how ambiguous values are read. */
export interface ValueContext {
  /** IANA zone for timestamps written without an offset. */
  timezone: string;
  /** Order of day-first/month-first numeric dates; undefined when the file did not decide it. */
  dateOrder?: DateOrder | undefined;
  /** ISO 3166 region phone numbers without "+" are read in (BEACON_DEFAULT_PHONE_REGION; default CN). */
  phoneRegion?: string | undefined;
}

/** A calendar date and wall-clock time as written, with the offset when the text had one. */
export interface WrittenDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
  hasTime: boolean;
  /** Minutes east of UTC, or null when the text gave no offset. */
  offsetMinutes: number | null;
}

const MONTH_NAMES = [
  "january",
  "february",
  "march",
  "april",
  "may",
  "june",
  "july",
  "august",
  "september",
  "october",
  "november",
  "december",
];
/** Full and three-letter English month names (and "sept") -> month number. */
const MONTHS: Record<string, number> = Object.fromEntries([
  ...MONTH_NAMES.flatMap((name, i) => [
    [name, i + 1],
    [name.slice(0, 3), i + 1],
  ]),
  ["sept", 9],
]);

const YEAR_FIRST = /^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})/;
const COMPACT = /^(\d{4})(\d{2})(\d{2})(?=$|[T\s])/;
const CHINESE = /^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?/;
const DAY_MONTH_NUMERIC = /^(\d{1,2})([-/.])(\d{1,2})\2(\d{4})/;
const MONTH_NAME_FIRST = /^([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})/;
const DAY_FIRST_MONTH_NAME = /^(\d{1,2})(?:st|nd|rd|th)?[\s-]+([A-Za-z]{3,9})\.?,?[\s-]+(\d{4})/;
const TIME =
  /^(?:[T\s]+|\s*,\s*)?(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*([AaPp][Mm])?\s*(Z|(?:UTC|GMT)?\s*[+-]\d{1,2}(?::?\d{2})?|UTC|GMT)?$/;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const EXPECTED_DATES = "expected e.g. 2026-03-05, 2026/03/05, 20260305, 2026年3月5日, Mar 5, 2026 or 5 Mar 2026";

/** Classifies a day-first/month-first numeric date: which order it proves, "either", or null if not one. */
export function numericDateOrder(text: string): "dmy" | "mdy" | "either" | "invalid" | null {
  const match = DAY_MONTH_NUMERIC.exec(text.normalize("NFKC").trim());
  if (!match) return null;
  const first = Number(match[1]);
  const second = Number(match[3]);
  if (first > 12 && second > 12) return "invalid";
  if (first > 12) return "dmy";
  if (second > 12) return "mdy";
  return "either";
}

/** Reads a date or date-time in any supported spelling, without applying a time zone. */
export function parseWrittenDateTime(text: string, dateOrder?: DateOrder): Parsed<WrittenDateTime> {
  // NFKC folds full-width digits (２０２６); plain ASCII needs no folding, and skipping it is measurably faster.
  const folded = PRINTABLE_ASCII.test(text) ? text : text.normalize("NFKC");
  const s = folded.trim().replace(/\s+/g, " ");
  const date = readDate(s, dateOrder);
  if (!date.ok) return date;
  const { year, month, day, length } = date.value;
  const rest = s.slice(length);
  if (year < 1900 || year > 2100) return fail("year outside 1900-2100");
  if (month < 1 || month > 12) return fail("month outside 1-12");
  if (day < 1 || day > daysInMonth(year, month)) return fail(`day ${day} does not exist in ${year}-${pad(month)}`);
  const result: WrittenDateTime = {
    year,
    month,
    day,
    hour: 0,
    minute: 0,
    second: 0,
    millisecond: 0,
    hasTime: false,
    offsetMinutes: null,
  };
  if (rest === "") return ok(result);
  const t = TIME.exec(rest);
  if (!t) return fail(`unreadable time after the date (expected e.g. 14:30, 14:30:05, 2:30 PM, +08:00)`);
  let hour = Number(t[1]);
  const meridiem = t[5]?.toLowerCase();
  if (meridiem) {
    if (hour < 1 || hour > 12) return fail("hour must be 1-12 with AM/PM");
    hour = (hour % 12) + (meridiem === "pm" ? 12 : 0);
  }
  const minute = Number(t[2]);
  const second = t[3] === undefined ? 0 : Number(t[3]);
  if (hour > 23 || minute > 59 || second > 59) return fail("time of day out of range");
  const offset = t[6] === undefined ? null : parseOffset(t[6]);
  if (offset === undefined) return fail("unreadable UTC offset");
  return ok({
    ...result,
    hour,
    minute,
    second,
    millisecond: t[4] === undefined ? 0 : Number(t[4].slice(0, 3).padEnd(3, "0")),
    hasTime: true,
    offsetMinutes: offset,
  });
}

interface DatePart {
  year: number;
  month: number;
  day: number;
  /** Characters of the text the date took up. */
  length: number;
}

/** The date at the start of `s`, tried spelling by spelling. */
function readDate(s: string, dateOrder: DateOrder | undefined): Parsed<DatePart> {
  const at = (m: RegExpExecArray, year: number, month: number, day: number) =>
    ok({ year, month, day, length: m[0].length });
  let m = YEAR_FIRST.exec(s);
  if (m) return at(m, Number(m[1]), Number(m[3]), Number(m[4]));
  m = CHINESE.exec(s) ?? COMPACT.exec(s);
  if (m) return at(m, Number(m[1]), Number(m[2]), Number(m[3]));
  m = DAY_MONTH_NUMERIC.exec(s);
  if (m) {
    const [first, second, year] = [Number(m[1]), Number(m[3]), Number(m[4])];
    const order = dateOrder ?? inferOrder(first, second);
    if (order === undefined) {
      return fail("ambiguous day/month order (could be DD/MM/YYYY or MM/DD/YYYY); pass --date-order dmy or mdy");
    }
    if (order === "ymd") return fail("the date order is ymd but this date does not start with the year");
    return order === "dmy" ? at(m, year, second, first) : at(m, year, first, second);
  }
  m = MONTH_NAME_FIRST.exec(s);
  const monthFirst = MONTHS[m?.[1]?.toLowerCase() ?? ""];
  if (m && monthFirst) return at(m, Number(m[3]), monthFirst, Number(m[2]));
  m = DAY_FIRST_MONTH_NAME.exec(s);
  const monthSecond = MONTHS[m?.[2]?.toLowerCase() ?? ""];
  if (m && monthSecond) return at(m, Number(m[3]), monthSecond, Number(m[1]));
  return fail(`not a date (${EXPECTED_DATES})`);
}

function inferOrder(first: number, second: number): DateOrder | undefined {
  if (first > 12 && second <= 12) return "dmy";
  if (second > 12 && first <= 12) return "mdy";
  return undefined;
}

function parseOffset(text: string): number | null | undefined {
  const s = text.replace(/^(UTC|GMT)\s*/, "");
  if (s === "" || s === "Z") return 0;
  const m = /^([+-])(\d{1,2})(?::?(\d{2}))?$/.exec(s);
  if (!m) return undefined;
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0);
  if (minutes > 14 * 60) return undefined;
  return m[1] === "-" ? -minutes : minutes;
}

/** A calendar date as YYYY-MM-DD: a written date, or the local date (in `timezone`) of a timestamp. */
export function parseDate(text: string, context: ValueContext): Parsed<string> {
  const parsed = parseWrittenDateTime(text, context.dateOrder);
  if (!parsed.ok) return parsed;
  const w = parsed.value;
  if (w.offsetMinutes === null) return ok(`${w.year}-${pad(w.month)}-${pad(w.day)}`);
  // A timestamp with an offset names an instant; the business day is its date in the configured zone.
  const local = zonedParts(instantOf(w), context.timezone);
  return ok(`${local.year}-${pad(local.month)}-${pad(local.day)}`);
}

/** An instant as an ISO UTC string; text without an offset is wall-clock time in `context.timezone`. */
export function parseTimestamp(text: string, context: ValueContext): Parsed<string> {
  const parsed = parseWrittenDateTime(text, context.dateOrder);
  if (!parsed.ok) return parsed;
  const w = parsed.value;
  const ms = w.offsetMinutes === null ? zonedToUtc(w, context.timezone) : instantOf(w);
  return ok(new Date(ms).toISOString());
}

function instantOf(w: WrittenDateTime): number {
  return wallMs(w) - (w.offsetMinutes ?? 0) * 60_000;
}

function wallMs(w: Omit<WrittenDateTime, "hasTime" | "offsetMinutes">): number {
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second, w.millisecond);
}

/** Converts a wall-clock time in an IANA zone to epoch milliseconds (DST gaps move forward, overlaps take the earlier). */
export function zonedToUtc(w: Omit<WrittenDateTime, "hasTime" | "offsetMinutes">, timezone: string): number {
  const wall = wallMs(w);
  const first = offsetMs(wall, timezone);
  const guess = wall - first;
  const second = offsetMs(guess, timezone);
  if (second === first) return guess;
  // Across a transition: take the other offset if it maps back to this wall time, else the time is in a DST gap
  // and reads with the offset before the change (as PostgreSQL does: 02:30 on spring-forward day is 03:30).
  const other = wall - second;
  return offsetMs(other, timezone) === second ? other : guess;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
/** Zone -> quarter-hour index -> offset ms. */
const offsetCache = new Map<string, Map<number, number>>();
/** Zone -> UTC day index -> its offset ms, or null when the offset changes that day. */
const dayOffsetCache = new Map<string, Map<number, number | null>>();

function formatter(timezone: string): Intl.DateTimeFormat {
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: timezone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timezone, f);
  }
  return f;
}

function zonedParts(ms: number, timezone: string): { year: number; month: number; day: number } {
  const local = new Date(ms + offsetMs(ms, timezone));
  return { year: local.getUTCFullYear(), month: local.getUTCMonth() + 1, day: local.getUTCDate() };
}

/** The zone's offset from UTC at an instant, in ms; cached per quarter hour since zones change only on those. */
function offsetMs(ms: number, timezone: string): number {
  // Most UTC days have one offset all day (checked at both ends): one cache entry per day, not per quarter hour,
  // which matters when a million timestamps spread over years (each quarter hour cost a formatToParts call).
  const day = Math.floor(ms / 86_400_000);
  let days = dayOffsetCache.get(timezone);
  if (!days) {
    days = new Map();
    dayOffsetCache.set(timezone, days);
  }
  let whole = days.get(day);
  if (whole === undefined) {
    const start = exactOffsetMs(day * 86_400_000, timezone);
    whole = start === exactOffsetMs(day * 86_400_000 + 86_399_999, timezone) ? start : null;
    if (days.size > 100_000) days.clear();
    days.set(day, whole);
  }
  if (whole !== null) return whole;
  const key = Math.floor(ms / 900_000);
  let zone = offsetCache.get(timezone);
  if (!zone) {
    zone = new Map();
    offsetCache.set(timezone, zone);
  }
  const cached = zone.get(key);
  if (cached !== undefined) return cached;
  const offset = exactOffsetMs(ms, timezone);
  if (zone.size > 100_000) zone.clear();
  zone.set(key, offset);
  return offset;
}

/** The zone's offset at an instant, from Intl (slow: cached by offsetMs). */
function exactOffsetMs(ms: number, timezone: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(timezone).formatToParts(new Date(ms))) {
    if (p.type !== "literal") parts[p.type] = Number(p.value);
  }
  const asUtc = Date.UTC(
    parts.year ?? 1970,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
  return asUtc - (ms - (((ms % 1000) + 1000) % 1000));
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

/** A number read from an export: exact decimal text, the currency it was marked with, and whether it had a %. */
export interface ParsedNumber {
  /** Plain decimal text such as "-1234.50": digits exactly as written, never through a float. */
  value: string;
  currency: string | null;
  percent: boolean;
}

const CURRENCY_MARKS: [string, string][] = [
  ["US$", "USD"],
  ["HK$", "HKD"],
  ["NT$", "TWD"],
  ["A$", "AUD"],
  ["C$", "CAD"],
  ["S$", "SGD"],
  ["RMB", "CNY"],
  ["¥", "CNY"],
  ["$", "USD"],
  ["€", "EUR"],
  ["£", "GBP"],
  ["₩", "KRW"],
  ["元", "CNY"],
];
const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;
const COMMA_GROUPED = /^[1-9]\d{0,2}(,\d{3})+\.\d+$/;
const CURRENCY_CODE = /^(CNY|USD|EUR|GBP|HKD|JPY|TWD|SGD|AUD|CAD|KRW|CHF|RMB)$/i;

/** Reads a number with optional sign, currency mark or code, thousands separators, decimal comma and %. */
export function parseNumber(text: string): Parsed<ParsedNumber> {
  // Most cells are plain numbers; skip the general path for them (it matters at a million rows).
  if (COMMA_GROUPED.test(text)) return ok({ value: text.replaceAll(",", ""), currency: null, percent: false });
  if (PLAIN_NUMBER.test(text)) {
    const value = text.replace(/^(-?)0+(?=\d)/, "$1");
    return ok({
      value: value === "-0" || /^-0(\.0*)?$/.test(value) ? value.slice(1) : value,
      currency: null,
      percent: false,
    });
  }
  let s = text.normalize("NFKC").trim();
  let negative = false;
  if (/^\(.*\)$/.test(s)) {
    // Accounting exports write negatives in parentheses.
    negative = true;
    s = s.slice(1, -1).trim();
  }
  const percent = s.endsWith("%");
  if (percent) s = s.slice(0, -1).trim();
  let currency: string | null = null;
  const takeCurrency = (code: string): boolean => {
    if (currency !== null) return false;
    currency = code === "RMB" ? "CNY" : code;
    return true;
  };
  for (let changed = true; changed; ) {
    changed = false;
    if (/^[-−+]/.test(s)) {
      negative = negative !== (s[0] !== "+");
      s = s.slice(1).trim();
      changed = true;
    }
    for (const [mark, code] of CURRENCY_MARKS) {
      if (s.startsWith(mark) || s.endsWith(mark)) {
        if (!takeCurrency(code)) return fail("more than one currency mark");
        s = (s.startsWith(mark) ? s.slice(mark.length) : s.slice(0, -mark.length)).trim();
        changed = true;
        break;
      }
    }
    const code = /^([A-Za-z]{3})\s*(.*)$/.exec(s) ?? /^(.*?)\s*([A-Za-z]{3})$/.exec(s);
    if (code) {
      const [word, remainder] = CURRENCY_CODE.test(code[1] ?? "") ? [code[1], code[2]] : [code[2], code[1]];
      if (word && CURRENCY_CODE.test(word)) {
        if (!takeCurrency(word.toUpperCase())) return fail("more than one currency mark");
        s = (remainder ?? "").trim();
        changed = true;
      }
    }
  }
  const digits = decimalDigits(s);
  if (!digits.ok) return digits;
  const value = negative && !/^0(\.0*)?$/.test(digits.value) ? `-${digits.value}` : digits.value;
  return ok({ value, currency, percent });
}

/** Turns the digits part ("1,234.50", "1 234,50", "1.234.567", "1.2E+05") into plain decimal text. */
function decimalDigits(s: string): Parsed<string> {
  if (s === "") return fail("not a number");
  const exp = /^(\d+)(?:\.(\d+))?[eE]([+-]?\d{1,3})$/.exec(s);
  if (exp) return ok(shiftDecimal(exp[1] ?? "0", exp[2] ?? "", Number(exp[3])));
  if (!/^[\d.,\s'’]+$/.test(s) || !/\d/.test(s)) return fail("not a number");
  const commas = s.split(",").length - 1;
  const dots = s.split(".").length - 1;
  const spaced = /\d[\s'’]\d/.test(s);
  let decimal: "," | "." | null = null;
  if (commas > 0 && dots > 0) decimal = s.lastIndexOf(",") > s.lastIndexOf(".") ? "," : ".";
  else if (dots === 1) decimal = ".";
  else if (commas === 1) {
    const [before = "", after = ""] = s.split(",");
    // "1,234" reads as thousands (the usual spelling in CN/EN exports); "12,5", "1234,567" and "1 234,50" cannot be.
    const thousands = !spaced && after.length === 3 && /^[1-9]\d{0,2}$/.test(before);
    decimal = thousands ? null : ",";
  }
  const [intText = "", fracText = ""] = decimal ? splitOnce(s, decimal) : [s, ""];
  if (/[.,\s'’]/.test(fracText)) return fail("unreadable number: separators after the decimal point");
  const groupMarks = new Set(intText.replace(/\d/g, ""));
  if (groupMarks.size > 1) return fail("unreadable number: mixed thousands separators");
  const groups = intText.split(/[.,\s'’]/);
  if (groups.length > 1 && (!/^\d{1,3}$/.test(groups[0] ?? "") || groups.slice(1).some((g) => !/^\d{3}$/.test(g)))) {
    return fail("unreadable number: thousands separators must split the digits in groups of three");
  }
  const intDigits = groups.join("").replace(/^0+(?=\d)/, "") || "0";
  return ok(fracText ? `${intDigits}.${fracText}` : intDigits);
}

function splitOnce(s: string, sep: string): [string, string] {
  const i = s.lastIndexOf(sep);
  return [s.slice(0, i), s.slice(i + 1)];
}

function shiftDecimal(intPart: string, fracPart: string, exponent: number): string {
  const digits = intPart + fracPart;
  const point = intPart.length + exponent;
  const whole = point <= 0 ? "0" : digits.slice(0, point).padEnd(point, "0");
  const frac = point < 0 ? "0".repeat(-point) + digits : digits.slice(Math.max(point, 0));
  const cleanWhole = whole.replace(/^0+(?=\d)/, "");
  const cleanFrac = frac.replace(/0+$/, "");
  return cleanFrac ? `${cleanWhole}.${cleanFrac}` : cleanWhole;
}

/** `percent` % of `amount`, rounded half up to `scale` decimals, exactly (no floats). */
export function percentOf(amount: string, percent: string, scale = 2): string {
  const [a, aScale] = toScaled(amount);
  const [p, pScale] = toScaled(percent);
  const totalScale = aScale + pScale + 2; // +2 for the division by 100
  const product = a * p;
  const divisor = 10n ** BigInt(totalScale - scale);
  const negative = product < 0n;
  const abs = negative ? -product : product;
  const rounded = (abs + divisor / 2n) / divisor;
  return fromScaled(negative ? -rounded : rounded, scale);
}

function toScaled(text: string): [bigint, number] {
  const [i = "0", f = ""] = text.split(".");
  return [BigInt(i + f), f.length];
}

function fromScaled(value: bigint, scale: number): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(scale + 1, "0");
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative ? `-${text}` : text;
}

/** Compares two plain decimal texts numerically (-1, 0, 1), exactly. */
export function compareDecimal(a: string, b: string): number {
  const [x, xs] = toScaled(a);
  const [y, ys] = toScaled(b);
  const scale = Math.max(xs, ys);
  const left = x * 10n ** BigInt(scale - xs);
  const right = y * 10n ** BigInt(scale - ys);
  return left === right ? 0 : left < right ? -1 : 1;
}

/** The region national numbers are read in when BEACON_DEFAULT_PHONE_REGION is not set. */
export const DEFAULT_PHONE_REGION = "CN";

/**
 * Phone numbers as digits with the country code (libphonenumber-js): `+86 138 0013 8000`, `0086-138...`,
 * `138-0013-8000` and `13800138000` all give `8613800138000`. A number without "+" (or 00) is read as a national
 * number of `region` (BEACON_DEFAULT_PHONE_REGION, an ISO 3166 code); a "+" number by its own country code. Refused:
 * numbers invalid for that country, and national numbers written without the trunk prefix their country's national
 * format has (`415-555-0100` is not read as the Chinese landline 0415-5550100: it is probably a US number).
 */
export function normalisePhone(text: string, region: string = DEFAULT_PHONE_REGION): Parsed<string> {
  const s = text.normalize("NFKC").trim().replace(/\(0\)/g, ""); // "+44 (0)20 ..." writes the trunk prefix that international dialling drops
  if (!/^\+?[\d\s\-.()/]+$/.test(s)) return fail("not a phone number (digits, spaces, -, (, ) and a leading + only)");
  const digits = s.replace(/\D/g, "");
  const international = s.startsWith("+") || digits.startsWith("00");
  const country = region.toUpperCase() as CountryCode;
  const parsed = international
    ? parsePhoneNumberFromString(`+${s.startsWith("+") ? digits : digits.slice(2)}`)
    : parsePhoneNumberFromString(digits, country);
  if (!parsed?.isValid()) {
    return fail(
      international
        ? "not a valid phone number for its country code"
        : `not a valid ${country} phone number (numbers without "+" are read as ${country}, BEACON_DEFAULT_PHONE_REGION); write other countries' numbers as +<country code> ...${likelyRegionHint(digits, country)}`,
    );
  }
  const national = parsed.formatNational();
  const nationalDigits = national.replace(/\D/g, "");
  if (!international && nationalDigits.length > digits.length && nationalDigits.endsWith(digits)) {
    return fail(
      `reads as the ${country} number ${national} only with its trunk prefix, which is missing: write ${national}, or +<country code> ... if it is another country's number${likelyRegionHint(digits, country)}`,
    );
  }
  return ok(parsed.number.slice(1));
}

/** Regions whose national numbers are common in exports: a hint names the first one a refused number fits. */
const HINT_REGIONS: CountryCode[] = ["US", "GB", "DE", "FR", "JP", "KR", "SG", "HK", "TW", "AU", "IN"];

/** "; it is a valid US number: set BEACON_DEFAULT_PHONE_REGION=US ..." when a refused national number fits one. */
function likelyRegionHint(digits: string, refusedIn: CountryCode): string {
  const region = HINT_REGIONS.find((r) => r !== refusedIn && parsePhoneNumberFromString(digits, r)?.isValid());
  return region
    ? `; it is a valid ${region} number: if the file's numbers are from ${region}, set BEACON_DEFAULT_PHONE_REGION=${region}`
    : "";
}

const TRUE_WORDS = new Set(["true", "t", "yes", "y", "1", "on", "是", "同意", "opted in", "optin", "subscribed", "x"]);
const FALSE_WORDS = new Set([
  "false",
  "f",
  "no",
  "n",
  "0",
  "off",
  "否",
  "不同意",
  "opted out",
  "optout",
  "unsubscribed",
]);

/** Reads yes/no flags in the spellings exports use (true/false, yes/no, 1/0, 是/否, opted in/out). */
export function parseBoolean(text: string): Parsed<boolean> {
  const s = text.normalize("NFKC").trim().toLowerCase();
  if (TRUE_WORDS.has(s)) return ok(true);
  if (FALSE_WORDS.has(s)) return ok(false);
  return fail("expected yes/no (true/false, 1/0, 是/否)");
}
