// Instants re-expressed in the business zone: offsets east, west, half-hour and across daylight saving.
import { describe, expect, it } from "vitest";
import { displayDateTime, inBusinessTime, isoInZone, parseInstant } from "../../tools/business-time.ts";

describe("business time", () => {
  it("writes an instant as ISO 8601 with the zone's offset at that instant", () => {
    const instant = new Date("2026-03-05T01:30:00Z");
    expect(isoInZone(instant, "Asia/Shanghai")).toBe("2026-03-05T09:30:00+08:00");
    expect(isoInZone(instant, "Asia/Kolkata")).toBe("2026-03-05T07:00:00+05:30");
    expect(isoInZone(instant, "UTC")).toBe("2026-03-05T01:30:00+00:00");
    expect(isoInZone(new Date("2026-01-15T17:00:00Z"), "America/New_York")).toBe("2026-01-15T12:00:00-05:00");
    expect(isoInZone(new Date("2026-07-15T16:00:00Z"), "America/New_York")).toBe("2026-07-15T12:00:00-04:00");
    expect(isoInZone(new Date("2026-12-04T14:33:07.969Z"), "Asia/Shanghai")).toBe("2026-12-04T22:33:07.969+08:00");
    expect(isoInZone(new Date("2026-03-04T16:00:00Z"), "Asia/Shanghai")).toBe("2026-03-05T00:00:00+08:00");
  });

  it("reads PostgreSQL's timestamptz text and ISO strings with a zone; calendar values are not instants", () => {
    expect(parseInstant("2026-12-04 14:33:07.969+00")?.toISOString()).toBe("2026-12-04T14:33:07.969Z");
    expect(parseInstant("2026-03-05 09:30:00+08")?.toISOString()).toBe("2026-03-05T01:30:00.000Z");
    expect(parseInstant("2026-03-05T07:00:00+0530")?.toISOString()).toBe("2026-03-05T01:30:00.000Z");
    expect(parseInstant("2026-03-05T01:30:00.123456Z")?.toISOString()).toBe("2026-03-05T01:30:00.123Z");
    expect(parseInstant("2026-03-05")).toBeNull();
    expect(parseInstant("2026-03-05T00:00:00")).toBeNull();
    expect(parseInstant("order 2026-03-05 09:30:00+08")).toBeNull();
  });

  it("converts every instant in a result, deeply, and leaves everything else alone", () => {
    const result = {
      at: new Date("2026-03-05T01:30:00Z"),
      rows: [{ created_at: "2026-03-05 01:30:00+00", day: "2026-03-05", wall: "2026-03-05T00:00:00", n: 3 }],
      nested: { list: ["2026-03-05T01:30:00Z", null, true] },
      invalid: new Date(Number.NaN),
    };
    expect(inBusinessTime(result, "Asia/Shanghai")).toEqual({
      at: "2026-03-05T09:30:00+08:00",
      rows: [{ created_at: "2026-03-05T09:30:00+08:00", day: "2026-03-05", wall: "2026-03-05T00:00:00", n: 3 }],
      nested: { list: ["2026-03-05T09:30:00+08:00", null, true] },
      invalid: null,
    });
    expect(displayDateTime("2026-03-05T01:30:00Z", "Asia/Shanghai")).toBe("2026-03-05 09:30");
    expect(displayDateTime("not a time", "Asia/Shanghai")).toBe("not a time");
  });
});
