// Holiday effects in the Holt-Winters forecast: on a seeded two-year daily series with the retail calendar's
// events planted (双11 x2 then a lull, 618 x1.6, 春节 x0.5), a forecast made the day before 双11 is backtested
// against the planted truth, with and without the events.
import { describe, expect, it } from "vitest";
import { commerceEvents, eventDayMask } from "../../../tools/commerce-calendar.ts";
import { cleanSeries, eventNames, forecastWithHolidays } from "../../../tools/forecast/holidays.model.ts";
import { fitHoltWinters, forecastPoints } from "../../../tools/forecast/holt-winters.model.ts";
import { seededNormals } from "../../../tools/forecast/simulate.model.ts";
import { addDays } from "../../../tools/period.ts";

const PLANTED: Record<string, number> = { 双11: 2, "双11 after": 0.7, "618": 1.6, 春节: 0.5 };
const WEEKLY = [40, 20, 0, -10, 30, 120, 90];

/** Daily series from `from` to `to`: level 1000 + 0.3 a day, weekly season, N(0, 40) noise, events multiplied. */
function plantedSeries(from: string, to: string, seed: number): { days: string[]; y: number[] } {
  const normal = seededNormals(seed);
  const days: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) days.push(d);
  const names = eventNames(days);
  const y = days.map(
    (_, t) => (1000 + 0.3 * t + (WEEKLY[t % 7] as number) + 40 * normal()) * (PLANTED[names[t] ?? ""] ?? 1),
  );
  return { days, y };
}

const mape = (actual: readonly number[], forecast: readonly number[]) =>
  actual.reduce((s, a, i) => s + Math.abs(a - (forecast[i] as number)) / a, 0) / actual.length;

describe("retail calendar", () => {
  it("places 春节 2026 from 10 days before Feb 17 to 6 after, and 双11 from its Oct 20 presale", () => {
    const events = commerceEvents(2026);
    expect(events.find((e) => e.name === "春节")).toEqual({ name: "春节", start: "2026-02-07", end: "2026-02-23" });
    expect(events.find((e) => e.name === "双11")).toEqual({ name: "双11", start: "2026-10-20", end: "2026-11-12" });
    // The mask covers the window and the 7 days after it.
    const days: string[] = [];
    for (let d = "2026-10-19"; d <= "2026-11-20"; d = addDays(d, 1)) days.push(d);
    const mask = eventDayMask(days);
    expect([mask[0], mask[1], mask[days.indexOf("2026-11-19")], mask[days.length - 1]]).toEqual([0, 1, 1, 0]);
  });

  it("cleans event days with the same weekday before the event", () => {
    const names = [null, null, null, null, null, null, null, "x", null];
    expect(cleanSeries([1, 2, 3, 4, 5, 6, 7, 100, 9], names)).toEqual([1, 2, 3, 4, 5, 6, 7, 1, 9]);
  });
});

describe("forecast with holiday effects", () => {
  const origin = "2026-10-19"; // the day before the 双11 presale
  const horizon = 31; // through 11-19: the whole window and the week after
  const cases = [1, 2, 3, 4, 5].map((seed) => {
    const all = plantedSeries("2024-10-01", addDays(origin, horizon), seed);
    const n = all.days.indexOf(origin) + 1;
    const history = { days: all.days.slice(0, n), y: all.y.slice(0, n) };
    const truth = all.y.slice(n);
    const withEvents = forecastWithHolidays(history.y, history.days, horizon);
    const without = forecastPoints(fitHoltWinters(history.y, 7).final, horizon);
    return { seed, withEvents, truth, errWith: mape(truth, withEvents.values), errWithout: mape(truth, without) };
  });

  it("learns each event's factor from last year's occurrence", () => {
    for (const c of cases) {
      expect(c.withEvents.factors.双11).toBeGreaterThan(1.8);
      expect(c.withEvents.factors.双11).toBeLessThan(2.2);
      expect(c.withEvents.factors["双11 after"]).toBeGreaterThan(0.6);
      expect(c.withEvents.factors["双11 after"]).toBeLessThan(0.8);
      expect(c.withEvents.factors.春节).toBeGreaterThan(0.4);
      expect(c.withEvents.factors.春节).toBeLessThan(0.6);
      expect(c.withEvents.events[0]).toBe("双11");
      expect(c.withEvents.events[horizon - 1]).toBe("双11 after");
    }
  });

  it("backtests around 双11 with a much smaller error than the same model without events", () => {
    for (const c of cases) {
      process.stdout.write(
        `seed ${c.seed}: MAPE with events ${c.errWith.toFixed(3)}, without ${c.errWithout.toFixed(3)}\n`,
      );
      expect(c.errWith).toBeLessThan(0.1);
      expect(c.errWithout).toBeGreaterThan(0.3);
    }
  });
});
