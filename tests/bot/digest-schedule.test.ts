// Cron checks, slot choice with a fake clock (on time, already claimed, down over several slots, DST), periods, and
// the `/beacon digest add` parser. No database: the once-only claim is tested end to end in slack-digests.e2e.
import { describe, expect, it } from "vitest";
import { parseDigestAdd } from "../../bot/slack/digest-command.ts";
import { periodDates } from "../../bot/slack/digest-periods.ts";
import { lateNote } from "../../bot/slack/digest-runner.ts";
import {
  checkCron,
  dueRun,
  LATE_AFTER_MS,
  latestSlot,
  slotLabel,
  slotsBetween,
} from "../../bot/slack/digest-schedule.ts";

const SH = "Asia/Shanghai";
const at = (iso: string) => new Date(iso);
// Mondays 09:00 in Shanghai = Mondays 01:00 UTC.
const weekly = { cron: "0 9 * * 1", timezone: SH, createdAt: at("2026-11-20T00:00:00Z") };

describe("checkCron", () => {
  it("accepts five fields, names and nicknames", () => {
    expect(checkCron(" 0  9 * * 1 ")).toEqual({ ok: true, cron: "0 9 * * 1" });
    expect(checkCron("30 8 1 * *").ok).toBe(true);
    expect(checkCron("0 9 * * mon-fri").ok).toBe(true);
    expect(checkCron("@Weekly")).toEqual({ ok: true, cron: "@weekly" });
  });

  it.each([
    ["61 9 * * 1", "Field 1 (minute)", '"61"'],
    ["0 24 * * 1", "Field 2 (hour)", '"24"'],
    ["0 9 0 * *", "Field 3 (day of month)", '"0"'],
    ["0 9 * 13 *", "Field 4 (month)", '"13"'],
    ["0 9 * * 8", "Field 5 (day of week)", '"8"'],
    ["0 9 * * funday", "Field 5 (day of week)", '"funday"'],
  ])("%s: names the field and shows an example", (cron, field, value) => {
    const check = checkCron(cron);
    expect(check.ok).toBe(false);
    const error = (check as { error: string }).error;
    expect(error).toContain(field);
    expect(error).toContain(value);
    expect(error).toContain('Example: "0 9 * * 1" (Mondays at 09:00)');
  });

  it("refuses the wrong number of fields, saying how many there are", () => {
    expect((checkCron("0 0 9 * * 1") as { error: string }).error).toContain("has 6");
    expect((checkCron("every monday") as { error: string }).error).toContain("has 2");
    expect((checkCron("0 9 31 2 *") as { error: string }).error).toContain("never matches");
  });
});

describe("slots with a fake clock", () => {
  it("the latest slot includes a run exactly at now and is read in the digest's zone", () => {
    expect(latestSlot("0 9 * * 1", SH, at("2026-11-30T01:00:00Z"))).toEqual(at("2026-11-30T01:00:00Z"));
    expect(latestSlot("0 9 * * 1", SH, at("2026-11-30T00:59:59Z"))).toEqual(at("2026-11-23T01:00:00Z"));
    expect(slotLabel(at("2026-11-30T01:00:00Z"), SH)).toBe("Mon 09:00");
    expect(slotLabel(at("2026-11-30T01:00:00Z"), SH, true)).toBe("Mon 11-30 09:00");
  });

  it("nothing is due before the first slot after the digest was created", () => {
    expect(dueRun(weekly, at("2026-11-22T12:00:00Z"), null)).toBeNull();
  });

  it("a slot the tick reaches within minutes is on time; once recorded it is not due again", () => {
    const due = dueRun(weekly, at("2026-11-23T01:00:30Z"), null);
    expect(due).toEqual({ scheduledFor: at("2026-11-23T01:00:00Z"), late: false, skipped: [] });
    expect(dueRun(weekly, at("2026-11-23T01:01:30Z"), at("2026-11-23T01:00:00Z"))).toBeNull();
    expect(dueRun(weekly, at("2026-11-29T23:00:00Z"), at("2026-11-23T01:00:00Z"))).toBeNull();
  });

  it("down over three Mondays: only the latest slot runs, late, and the two older ones are counted, not replayed", () => {
    const back = at("2026-12-14T05:00:00Z"); // Monday 13:00 in Shanghai, four hours after the slot
    const due = dueRun(weekly, back, at("2026-11-23T01:00:00Z"));
    expect(due?.scheduledFor).toEqual(at("2026-12-14T01:00:00Z"));
    expect(due?.late).toBe(true);
    expect(due?.skipped).toEqual([at("2026-11-30T01:00:00Z"), at("2026-12-07T01:00:00Z")]);
    expect(lateNote({ scheduled_for: due?.scheduledFor as Date, skipped_slots: 2 }, SH)).toBe(
      "late: scheduled for Mon 09:00, Beacon was down; 2 earlier runs missed while down are not replayed",
    );
  });

  it("late means more than LATE_AFTER_MS after the slot", () => {
    const slot = at("2026-11-23T01:00:00Z").getTime();
    expect(dueRun(weekly, new Date(slot + LATE_AFTER_MS), null)?.late).toBe(false);
    expect(dueRun(weekly, new Date(slot + LATE_AFTER_MS + 1000), null)?.late).toBe(true);
  });

  it("slots missed before the digest existed are not counted as skipped", () => {
    const created = { ...weekly, createdAt: at("2026-11-24T00:00:00Z") };
    const due = dueRun(created, at("2026-12-07T03:00:00Z"), null);
    expect(due?.scheduledFor).toEqual(at("2026-12-07T01:00:00Z"));
    expect(due?.skipped).toEqual([at("2026-11-30T01:00:00Z")]);
  });

  it("follows daylight saving time in the digest's zone (09:00 New York is 14:00 UTC, then 13:00 UTC)", () => {
    const ny = slotsBetween("0 9 * * 1", "America/New_York", at("2026-10-26T00:00:00Z"), at("2026-11-10T00:00:00Z"));
    expect(ny.map((d) => d.toISOString())).toEqual([
      "2026-10-26T13:00:00.000Z",
      "2026-11-02T14:00:00.000Z",
      "2026-11-09T14:00:00.000Z",
    ]);
  });
});

describe("periodDates", () => {
  it.each([
    ["last_week", "2026-11-30", "2026-11-23", "2026-11-29"], // a Monday
    ["last_week", "2026-12-06", "2026-11-23", "2026-11-29"], // a Sunday: still the week before this one
    ["last_month", "2026-12-01", "2026-11-01", "2026-11-30"],
    ["last_month", "2026-03-15", "2026-02-01", "2026-02-28"],
    ["last_quarter", "2026-11-02", "2026-07-01", "2026-09-30"],
    ["last_quarter", "2026-01-05", "2025-10-01", "2025-12-31"],
    ["month_to_date", "2026-11-20", "2026-11-01", "2026-11-19"],
    ["month_to_date", "2026-12-01", "2026-11-01", "2026-11-30"],
  ] as const)("%s on %s is %s to %s", (period, today, start, end) => {
    expect(periodDates(period, today)).toEqual({ start, end });
  });
});

describe("parseDigestAdd", () => {
  const parse = (text: string) => parseDigestAdd(text, "Asia/Shanghai");
  const error = (text: string) => (parse(text) as { error: string }).error;

  it("reads Slack's channel escape, options, curly quotes and an unquoted cron", () => {
    expect(parse('"0 9 * * 1" <#C0MARKET|marketing> view=marketer period=last_month tz=Europe/Berlin')).toEqual({
      ok: true,
      request: {
        cron: "0 9 * * 1",
        channel: "C0MARKET",
        view: "marketer",
        period: "last_month",
        timezone: "Europe/Berlin",
      },
    });
    expect(parse("“30 8 * * 1-5” <#C0MARKET>")).toMatchObject({
      ok: true,
      request: { cron: "30 8 * * 1-5", view: "manager", period: "last_week", timezone: "Asia/Shanghai" },
    });
    expect(parse("0 9 * * 1 <#C0MARKET|marketing> period=month-to-date")).toMatchObject({
      request: { cron: "0 9 * * 1", period: "month_to_date" },
    });
  });

  it("says what is wrong: channel missing or not escaped, view, period, zone, cron field", () => {
    expect(error('"0 9 * * 1" view=manager')).toContain("Which channel?");
    expect(error('"0 9 * * 1" #marketing')).toContain("Pick the channel from the list");
    expect(error('"0 9 * * 1" <#C0MARKET> view=ceo')).toContain(
      "Unknown view `ceo`: use view=manager or view=marketer",
    );
    expect(error('"0 9 * * 1" <#C0MARKET> period=yesterday')).toContain(
      "Unknown period `yesterday`: use one of last_week, last_month, last_quarter, month_to_date",
    );
    expect(error('"0 9 * * 1" <#C0MARKET> tz=Mars/Olympus')).toContain("Unknown time zone `Mars/Olympus`");
    expect(error('"0 25 * * 1" <#C0MARKET>')).toContain("Field 2 (hour)");
    expect(error('"0 9 * * 1" <#C0MARKET> colour=blue')).toContain("Unknown option colour");
    expect(error("<#C0MARKET>")).toContain("cron expression first");
  });
});
