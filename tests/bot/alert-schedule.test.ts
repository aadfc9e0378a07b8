import { describe, expect, it } from "vitest";
import { daysToScan, latestDueDay, localDateTime } from "../../bot/slack/alert-schedule.ts";

const TZ = "Asia/Shanghai";

describe("when the daily anomaly scan is due", () => {
  it("reads the local date and time in the business zone", () => {
    // 2026-12-01T00:30Z is 08:30 in Shanghai.
    expect(localDateTime(new Date("2026-12-01T00:30:00Z"), TZ)).toEqual({ date: "2026-12-01", time: "08:30" });
    expect(localDateTime(new Date("2026-12-01T00:30:00Z"), "America/New_York")).toEqual({
      date: "2026-11-30",
      time: "19:30",
    });
  });

  it("is yesterday from BEACON_ALERT_TIME on, the day before until then", () => {
    expect(latestDueDay(new Date("2026-12-01T00:00:00Z"), TZ, "08:00")).toBe("2026-11-30"); // 08:00 local
    expect(latestDueDay(new Date("2026-11-30T23:59:00Z"), TZ, "08:00")).toBe("2026-11-29"); // 07:59 local
    expect(latestDueDay(new Date("2026-11-30T16:30:00Z"), TZ, "00:00")).toBe("2026-11-30"); // 00:30 local
    expect(latestDueDay(new Date("2026-12-01T14:59:00Z"), TZ, "23:00")).toBe("2026-11-29"); // 22:59 local
  });
});

describe("which days a tick scans", () => {
  it("scans only the due day the first time", () => {
    expect(daysToScan(null, "2026-11-30")).toEqual(["2026-11-30"]);
  });

  it("scans nothing once the due day was scanned", () => {
    expect(daysToScan("2026-11-30", "2026-11-30")).toEqual([]);
    expect(daysToScan("2026-12-01", "2026-11-30")).toEqual([]);
  });

  it("catches up days missed while down, at most 7", () => {
    expect(daysToScan("2026-11-27", "2026-11-30")).toEqual(["2026-11-28", "2026-11-29", "2026-11-30"]);
    const long = daysToScan("2026-11-01", "2026-11-30");
    expect(long).toHaveLength(7);
    expect(long[0]).toBe("2026-11-24");
    expect(long.at(-1)).toBe("2026-11-30");
  });
});
