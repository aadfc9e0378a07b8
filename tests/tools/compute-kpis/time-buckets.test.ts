// Calendar buckets of day/week/month rows and the partial-bucket flag, on hand-checked dates.
import { describe, expect, it } from "vitest";
import { bucketRange, partialBucket } from "../../../tools/compute-kpis/time-buckets.ts";

describe("time buckets", () => {
  it("knows each month's last day, leap years included", () => {
    expect(bucketRange("month", "2026-02")).toEqual({ first: "2026-02-01", last: "2026-02-28" });
    expect(bucketRange("month", "2028-02")).toEqual({ first: "2028-02-01", last: "2028-02-29" });
    expect(bucketRange("month", "2026-12")).toEqual({ first: "2026-12-01", last: "2026-12-31" });
    expect(bucketRange("week", "2026-10-26")).toEqual({ first: "2026-10-26", last: "2026-11-01" });
  });

  it("flags months cut at both ends, the current day, and nothing for whole buckets", () => {
    const today = "2026-12-04";
    expect(partialBucket("month", "2026-11", { start: "2026-11-10", end: "2026-11-20" }, today)).toBe(
      "11 of 30 days: the period starts on 2026-11-10; the period ends on 2026-11-20",
    );
    expect(partialBucket("month", "2026-12", { start: "2026-11-01", end: "2026-12-04" }, today)).toBe(
      "3 of 31 days: not over yet (2026-12-04 is today)",
    );
    expect(partialBucket("day", "2026-12-04", { start: "2026-12-01", end: "2026-12-04" }, today)).toBe(
      "0 of 1 days: not over yet (2026-12-04 is today)",
    );
    expect(partialBucket("month", "2026-10", { start: "2026-10-01", end: "2026-12-04" }, today)).toBeUndefined();
    expect(partialBucket("day", "2026-12-03", { start: "2026-12-01", end: "2026-12-04" }, today)).toBeUndefined();
  });
});
