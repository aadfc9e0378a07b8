import { Cron } from "croner";
import { zonedParts } from "../../tools/business-time.ts";

/** The five fields of a cron expression, in order, with what each accepts (for error messages). */
const FIELDS = [
  { name: "minute", range: "0-59" },
  { name: "hour", range: "0-23" },
  { name: "day of month", range: "1-31" },
  { name: "month", range: "1-12 or jan-dec" },
  { name: "day of week", range: "0-7 or sun-sat (0 and 7 are Sunday)" },
] as const;

export const CRON_EXAMPLE = '"0 9 * * 1" (Mondays at 09:00)';
const NICKNAMES = ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"];

export type CronCheck = { ok: true; cron: string } | { ok: false; error: string };

/**
 * Checks a five-field cron expression (minute hour day-of-month month day-of-week) or a nickname such as @weekly.
 * Each field is checked on its own, so the error names the field that is wrong instead of croner's zero-based
 * internals ("Invalid value for month: 12"). Seconds and years are refused: digests run at most once a minute.
 */
export function checkCron(text: string): CronCheck {
  const cron = text.trim().replace(/\s+/g, " ");
  if (NICKNAMES.includes(cron.toLowerCase())) return { ok: true, cron: cron.toLowerCase() };
  const parts = cron === "" ? [] : cron.split(" ");
  if (parts.length !== 5) {
    return {
      ok: false,
      error: `A cron expression has 5 fields (minute hour day-of-month month day-of-week); "${cron}" has ${parts.length}. Example: ${CRON_EXAMPLE}.`,
    };
  }
  for (const [index, field] of FIELDS.entries()) {
    const probe = parts.map((part, i) => (i === index ? part : "*")).join(" ");
    try {
      new Cron(probe, { paused: true, mode: "5-part" });
    } catch {
      return {
        ok: false,
        error: `Field ${index + 1} (${field.name}) of "${cron}" is not valid: "${parts[index]}". It takes ${field.range}, * (any), lists (1,15), ranges (1-5) or steps (*/15). Example: ${CRON_EXAMPLE}.`,
      };
    }
  }
  try {
    const job = schedule(cron, "UTC");
    if (job.nextRun(new Date()) === null) throw new Error("never runs");
  } catch {
    return {
      ok: false,
      error: `"${cron}" never matches a date (e.g. 31 in a 30-day month). Example: ${CRON_EXAMPLE}.`,
    };
  }
  return { ok: true, cron };
}

/** A paused croner job, used only to compute run times in `timezone`. */
function schedule(cron: string, timezone: string): Cron {
  return new Cron(cron, { paused: true, timezone, mode: "5-part" });
}

/** The most recent scheduled time at or before `now`, or null if none (croner looks back at most a few years). */
export function latestSlot(cron: string, timezone: string, now: Date): Date | null {
  // previousRuns excludes a run exactly at the reference; 1 ms later includes it (run times have no milliseconds).
  return schedule(cron, timezone).previousRuns(1, new Date(now.getTime() + 1))[0] ?? null;
}

/** The first scheduled time strictly after `after`. */
export function nextSlot(cron: string, timezone: string, after: Date): Date | null {
  return schedule(cron, timezone).nextRun(after);
}

/** Scheduled times in (after, until], oldest first, at most `max` (used to count runs skipped while down). */
export function slotsBetween(cron: string, timezone: string, after: Date, until: Date, max = 100): Date[] {
  const slots: Date[] = [];
  let cursor: Date | null = after;
  while (slots.length < max) {
    cursor = cursor && nextSlot(cron, timezone, cursor);
    if (!cursor || cursor > until) break;
    slots.push(cursor);
  }
  return slots;
}

/** A run counts as late when it starts this long after its slot: a few missed one-minute ticks, not a slow one. */
export const LATE_AFTER_MS = 5 * 60_000;

/** What a tick should do about one digest. */
export interface DueRun {
  scheduledFor: Date;
  late: boolean;
  /** Earlier slots since the last recorded run (or the digest's creation) that are not replayed. */
  skipped: Date[];
}

/**
 * The run due at `now`: only the latest slot at or before now, never an older one (older misses are skipped, not
 * replayed), and never a slot from before the digest existed. `lastRun` is the latest slot already recorded for
 * the digest, so skipped slots are counted from there. Whether the slot was already posted is the database's
 * call (the unique run key), not this function's.
 */
export function dueRun(
  digest: { cron: string; timezone: string; createdAt: Date },
  now: Date,
  lastRun: Date | null,
): DueRun | null {
  const slot = latestSlot(digest.cron, digest.timezone, now);
  if (!slot || slot < digest.createdAt) return null;
  if (lastRun && slot <= lastRun) return null;
  const from = lastRun && lastRun > digest.createdAt ? lastRun : new Date(digest.createdAt.getTime() - 1);
  const skipped = slotsBetween(digest.cron, digest.timezone, from, new Date(slot.getTime() - 1));
  return { scheduledFor: slot, late: now.getTime() - slot.getTime() > LATE_AFTER_MS, skipped };
}

/** "Mon 09:00" (or "Mon 11-23 09:00" when `withDate`) in the digest's zone, for late notes and lists. */
export function slotLabel(slot: Date, timezone: string, withDate = false): string {
  const parts = zonedParts(slot, timezone);
  const date = withDate ? ` ${parts.month}-${parts.day}` : "";
  return `${parts.weekday}${date} ${parts.hour}:${parts.minute}`;
}

/** Whether `timezone` is an IANA zone name this runtime knows (Area/City). */
export function isTimeZone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: timezone });
    return /\//.test(timezone) || timezone === "UTC";
  } catch {
    return false;
  }
}
