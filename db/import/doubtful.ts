// Values that parse but are doubtful: ids Excel turned into scientific notation (refused: the digits are gone) and
// dates in the future (a warning, or a refusal for fields that can only describe the past).
import type { EntityImporter, RowProblem } from "./entity.ts";
import { zonedToUtc } from "./values.ts";

/**
 * "1.23457E+11", "1E+15", "4,5E+10": what Excel shows (and saves) for a long number in a General column. The "+" is
 * required: Excel always writes it, and ids such as "2E45" (hexadecimal, product codes) are real.
 */
const SCIENTIFIC = /^\d(?:[.,]\d+)?[eE]\+\d{1,3}$/;
const ID_TYPES = new Set(["id", "customer", "campaign"]);

/** The reason an id cell was refused, or null when it is not in scientific notation. */
export function scientificIdProblem(text: string | undefined): string | null {
  const value = text?.trim();
  if (!value || !SCIENTIFIC.test(value)) return null;
  return (
    `"${value}" is an id that Excel turned into scientific notation, so its digits are lost; ` +
    "re-export from the source system, or in Excel format the column as Text (Format Cells > Text) before saving as CSV"
  );
}

/** The id-like fields of an entity (ids, customer and campaign references): those scientific notation ruins. */
export function idFields(importer: EntityImporter): string[] {
  return Object.entries(importer.fields)
    .filter(([, f]) => ID_TYPES.has(f.type))
    .map(([name]) => name);
}

type FuturePolicy = { action: "warn" | "refuse"; why: string };

/**
 * What a date after tomorrow means per field. Platform reports describe what has happened, so a future day there is a
 * forecast row or a misread date: refused. Everything else is stored as written and reported, because a wrong clock
 * on one till or a pre-order should not block the load, while a day/month swap shows up in the listed lines.
 */
const REFUSED: Record<string, string> = {
  "ad_spend.day": "ad platforms report spend only for days that have passed (a forecast row, or a misread date?)",
  "platform_conversions.click_at": "a platform reports only clicks that have happened (a misread date?)",
  "platform_conversions.converted_at": "a platform reports only conversions that have happened (a misread date?)",
};

const WARNING_LINES = 5;

/** Checks the date fields of parsed rows against tomorrow in the business time zone; collects the warnings. */
export class FutureDates {
  private readonly fields: { name: string; type: "date" | "timestamp"; policy: FuturePolicy }[];
  /** First local date that counts as the future (today + 2 days), and the instant it starts. */
  private readonly firstDay: string;
  private readonly firstInstant: string;
  private readonly found = new Map<string, { count: number; lines: number[] }>();

  constructor(importer: EntityImporter, present: ReadonlySet<string>, timezone: string, now = new Date()) {
    this.fields = Object.entries(importer.fields)
      .filter(([name, f]) => (f.type === "date" || f.type === "timestamp") && present.has(name))
      .map(([name, f]) => {
        const refused = REFUSED[`${importer.entity}.${name}`];
        return {
          name,
          type: f.type as "date" | "timestamp",
          policy: refused ? { action: "refuse", why: refused } : { action: "warn", why: "" },
        };
      });
    const today = new Intl.DateTimeFormat("en-CA", { timeZone: timezone }).format(now); // YYYY-MM-DD
    const [y = 1970, m = 1, d = 1] = today.split("-").map(Number);
    const first = new Date(Date.UTC(y, m - 1, d + 2));
    this.firstDay = first.toISOString().slice(0, 10);
    const start = { year: first.getUTCFullYear(), month: first.getUTCMonth() + 1, day: first.getUTCDate() };
    this.firstInstant = new Date(
      zonedToUtc({ ...start, hour: 0, minute: 0, second: 0, millisecond: 0 }, timezone),
    ).toISOString();
  }

  get active(): boolean {
    return this.fields.length > 0;
  }

  /** The refusals for one parsed row; warnings are only counted. */
  check(line: number, row: Record<string, unknown>): RowProblem[] {
    let problems: RowProblem[] | undefined;
    for (const { name, type, policy } of this.fields) {
      const value = row[name];
      if (typeof value !== "string") continue;
      // Both spellings compare as text: YYYY-MM-DD dates, and ISO instants in UTC with the same fixed width.
      if (type === "date" ? value < this.firstDay : value < this.firstInstant) continue;
      if (policy.action === "refuse") {
        problems ??= [];
        problems.push({ line, field: name, reason: `${shown(value, type)} is in the future: ${policy.why}` });
      } else {
        const entry = this.found.get(name) ?? { count: 0, lines: [] };
        entry.count++;
        if (entry.lines.length < WARNING_LINES) entry.lines.push(line);
        this.found.set(name, entry);
      }
    }
    return problems ?? [];
  }

  /** One warning per field that had future dates: how many, the first lines, and what was done. */
  warnings(headerOf: (field: string) => string | undefined): string[] {
    return [...this.found].map(([name, { count, lines }]) => {
      const more = count > lines.length ? ", ..." : "";
      return (
        `column "${headerOf(name) ?? name}": ${count} row${count === 1 ? " is" : "s are"} dated after tomorrow ` +
        `(lines ${lines.join(", ")}${more}); imported as written: check the source's clock or the day/month order ` +
        "(--date-order)"
      );
    });
  }
}

function shown(value: string, type: "date" | "timestamp"): string {
  return type === "date" ? value : `${value.slice(0, 16).replace("T", " ")} UTC`;
}
