import { z } from "zod";
import type { ToolContext } from "./tool.ts";
import { ToolInputError } from "./tool.ts";

/** A real calendar date written YYYY-MM-DD. */
export const IsoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: "expected a date as YYYY-MM-DD" })
  .refine(
    (s) => {
      const date = new Date(`${s}T00:00:00Z`);
      return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(s);
    },
    { error: "not a real calendar date" },
  );

/** Today's date (YYYY-MM-DD) in the business time zone. */
export function todayIn(context: Pick<ToolContext, "now" | "timezone">): string {
  return new Intl.DateTimeFormat("en-CA", {
    timeZone: context.timezone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(context.now);
}

/** Adds whole days to a YYYY-MM-DD date. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/**
 * An explicit inclusive period: end defaults to yesterday (the last complete day), start to `defaultDays` before end.
 * End before start is an input error naming both fields.
 */
export function resolvePeriod(
  start: string | undefined,
  end: string | undefined,
  context: Pick<ToolContext, "now" | "timezone">,
  defaultDays: number,
): { start: string; end: string } {
  const resolvedEnd = end ?? addDays(todayIn(context), -1);
  const resolvedStart = start ?? addDays(resolvedEnd, -(defaultDays - 1));
  if (resolvedEnd < resolvedStart) {
    throw new ToolInputError(`end (${resolvedEnd}) is before start (${resolvedStart}); give end on or after start`);
  }
  return { start: resolvedStart, end: resolvedEnd };
}
