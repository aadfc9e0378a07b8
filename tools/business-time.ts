// Instants shown and exchanged in the business time zone (BEACON_TIMEZONE), never in UTC or the process zone.

// PostgreSQL's text form of timestamptz ("2026-12-04 14:33:07.969+00") and ISO 8601 with Z or an offset.
const INSTANT = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+-]\d{2}(?::?\d{2}(?::?\d{2})?)?)$/;

const partFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar and wall-clock parts of an instant in `timezone` (year, month, day, hour, minute, second, weekday "Mon"). */
export function zonedParts(date: Date, timezone: string): Record<string, string> {
  let format = partFormats.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-CA", {
      timeZone: timezone,
      hourCycle: "h23",
      weekday: "short",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    partFormats.set(timezone, format);
  }
  return Object.fromEntries(format.formatToParts(date).map((p) => [p.type, p.value]));
}

const pad = (n: number) => String(Math.trunc(n)).padStart(2, "0");

/** An instant as ISO 8601 with the zone's offset, e.g. "2026-03-05T09:30:00+08:00" (milliseconds when present). */
export function isoInZone(date: Date, timezone: string): string {
  const p = zonedParts(date, timezone);
  const wall = Date.UTC(
    Number(p.year),
    Number(p.month) - 1,
    Number(p.day),
    Number(p.hour),
    Number(p.minute),
    Number(p.second),
  );
  const offsetMinutes = Math.round((wall - (date.getTime() - date.getUTCMilliseconds())) / 60_000);
  const sign = offsetMinutes < 0 ? "-" : "+";
  const offset = `${sign}${pad(Math.abs(offsetMinutes) / 60)}:${pad(Math.abs(offsetMinutes) % 60)}`;
  const ms = date.getUTCMilliseconds();
  const fraction = ms === 0 ? "" : `.${String(ms).padStart(3, "0")}`;
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}${fraction}${offset}`;
}

/** The instant a timestamp string names, when it carries a zone (Z or an offset); null for anything else. */
export function parseInstant(text: string): Date | null {
  const match = INSTANT.exec(text);
  if (!match) return null;
  const [, day, time = "", zone = ""] = match;
  const offset = zone === "Z" ? "Z" : zone.replace(/^([+-]\d{2}):?(\d{2})?.*$/, (_, h, m) => `${h}:${m ?? "00"}`);
  const date = new Date(`${day}T${time.length === 5 ? `${time}:00` : time}${offset}`);
  return Number.isNaN(date.getTime()) ? null : date;
}

/**
 * Every Date and every zoned timestamp string in a tool result, re-expressed as ISO 8601 in the business zone.
 * Dates without a time ('YYYY-MM-DD') and wall-clock timestamps without a zone are calendar values: left as they are.
 */
export function inBusinessTime(value: unknown, timezone: string): unknown {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : isoInZone(value, timezone);
  if (typeof value === "string") {
    const instant = parseInstant(value);
    return instant ? isoInZone(instant, timezone) : value;
  }
  if (Array.isArray(value)) return value.map((v) => inBusinessTime(v, timezone));
  if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) out[key] = inBusinessTime(v, timezone);
    return out;
  }
  return value;
}

/** A timestamp for people: "2026-03-05 09:30" in the business zone; the text unchanged when it names no instant. */
export function displayDateTime(value: string | Date, timezone: string): string {
  const instant = value instanceof Date ? value : parseInstant(value);
  if (!instant) return String(value);
  const p = zonedParts(instant, timezone);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** The calendar day an instant falls on in the business zone, 'YYYY-MM-DD'; calendar dates pass through. */
export function displayDate(value: string | Date, timezone: string): string {
  const instant = value instanceof Date ? value : parseInstant(value);
  if (!instant) return String(value);
  const p = zonedParts(instant, timezone);
  return `${p.year}-${p.month}-${p.day}`;
}
