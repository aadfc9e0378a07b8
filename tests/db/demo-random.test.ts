import { describe, expect, it } from "vitest";
import {
  chineseNewYear,
  dayNumber,
  dayOfWeek,
  dayString,
  periodStart,
  spendSeason,
  timestampString,
  weekStart,
} from "../../db/demo/calendar.ts";
import { multinomial, Rng, WeightedTable } from "../../db/demo/random.ts";
import { TextBuffer } from "../../db/demo/text-buffer.ts";

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const draws = (n: number, f: () => number) => Array.from({ length: n }, f);

describe("Rng", () => {
  it("is a pure function of its keys", () => {
    const a = Rng.of(42, "customer", 7);
    const b = Rng.of(42, "customer", 7);
    expect(draws(100, () => a.nextU32())).toEqual(draws(100, () => b.nextU32()));
    const c = Rng.of(42, "customer", 8);
    const d = Rng.of(43, "customer", 7);
    const e = Rng.of(42, "spend", 7);
    const first = Rng.of(42, "customer", 7).nextU32();
    expect(new Set([first, c.nextU32(), d.nextU32(), e.nextU32()]).size).toBe(4);
  });

  it("distinguishes seeds above 2^32", () => {
    expect(Rng.of(2 ** 32 + 1, "x").nextU32()).not.toBe(Rng.of(1, "x").nextU32());
  });

  it("draws uniforms in [0, 1) and integers in range", () => {
    const rng = Rng.of(1, "u");
    const us = draws(20_000, () => rng.float());
    expect(Math.min(...us)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...us)).toBeLessThan(1);
    expect(mean(us)).toBeCloseTo(0.5, 1);
    const ints = draws(10_000, () => rng.int(6));
    expect(new Set(ints)).toEqual(new Set([0, 1, 2, 3, 4, 5]));
  });

  it("matches the moments of its distributions", () => {
    const rng = Rng.of(3, "moments");
    expect(mean(draws(40_000, () => rng.normal()))).toBeCloseTo(0, 1);
    expect(mean(draws(40_000, () => rng.gamma(0.55, 50)))).toBeCloseTo(0.55 / 50, 3);
    expect(mean(draws(40_000, () => rng.gamma(3, 2)))).toBeCloseTo(1.5, 1);
    expect(mean(draws(40_000, () => rng.beta(0.9, 3.2)))).toBeCloseTo(0.9 / 4.1, 2);
    expect(mean(draws(40_000, () => rng.lognormalMean(230, 0.95))) / 230).toBeCloseTo(1, 1);
    expect(mean(draws(40_000, () => rng.geometric(3.2)))).toBeCloseTo(3.2, 1);
    expect(mean(draws(20_000, () => rng.binomial(20, 0.3)))).toBeCloseTo(6, 1);
    expect(mean(draws(5_000, () => rng.binomial(100_000, 0.25))) / 25_000).toBeCloseTo(1, 2);
  });

  it("picks weighted items in proportion", () => {
    const rng = Rng.of(5, "table");
    const table = new WeightedTable([
      ["a", 1],
      ["b", 3],
      ["never", 0],
    ] as const);
    const picks = draws(20_000, () => (table.pick(rng) === "b" ? 1 : 0));
    expect(mean(picks)).toBeCloseTo(0.75, 1);
    expect(table.items).toEqual(["a", "b"]);
  });

  it("draws multinomial counts that sum to n", () => {
    const rng = Rng.of(9, "multi");
    for (const n of [0, 1, 17, 10_000, 1_000_000]) {
      const counts = multinomial(rng, n, [0.2, 0, 5, 1e-9, 3]);
      expect(counts.reduce((s, c) => s + c, 0)).toBe(n);
      expect(counts[1]).toBe(0);
    }
    const big = multinomial(rng, 1_000_000, [1, 1, 2]);
    expect((big[2] as number) / 1_000_000).toBeCloseTo(0.5, 2);
  });
});

describe("calendar", () => {
  it("round-trips dates and rejects bad ones", () => {
    expect(dayString(dayNumber("2026-10-31"))).toBe("2026-10-31");
    expect(() => dayNumber("2026-02-30")).toThrow(/not a calendar date/);
    expect(() => dayNumber("31/10/2026")).toThrow(/YYYY-MM-DD/);
  });

  it("aligns weeks to Monday like date_trunc('week')", () => {
    const sunday = dayNumber("2026-11-22");
    expect(dayOfWeek(sunday)).toBe(6);
    expect(dayString(weekStart(sunday))).toBe("2026-11-16");
    expect(dayString(weekStart(dayNumber("2026-11-16")))).toBe("2026-11-16");
  });

  it("computes the period start and the holidays", () => {
    expect(dayString(periodStart(dayNumber("2026-10-31"), 12))).toBe("2025-11-01");
    expect(dayString(periodStart(dayNumber("2024-02-29"), 12))).toBe("2023-03-02");
    expect(dayString(chineseNewYear(2026))).toBe("2026-02-17");
    expect(spendSeason(dayNumber("2026-02-17"))).toBeLessThan(0.5);
    expect(spendSeason(dayNumber("2026-11-11"))).toBeGreaterThan(2);
    expect(spendSeason(dayNumber("2026-06-18"))).toBeGreaterThan(1.9);
  });

  it("writes timestamps with the Shanghai offset", () => {
    const ts = dayNumber("2026-11-11") * 86_400 + 20 * 3600 + 5 * 60 + 9;
    expect(timestampString(ts)).toBe("2026-11-11 20:05:09+08");
    const buffer = new TextBuffer(4);
    expect(buffer.timestamp(ts).take()).toBe("2026-11-11 20:05:09+08");
  });
});

describe("TextBuffer", () => {
  it("writes COPY fields, escaping text and growing as needed", () => {
    const buffer = new TextBuffer(2);
    buffer.int(0).tab().int(1234567).tab().padded(42, 7).tab().money(5).tab().money(123456).tab();
    buffer.text("李伟\tsays\\hi\n").tab().text(null).tab().intOrNull(null).tab().day(dayNumber("2026-01-02")).end();
    expect(buffer.take()).toBe("0\t1234567\t0000042\t0.05\t1234.56\t李伟\\tsays\\\\hi\\n\t\\N\t\\N\t2026-01-02\n");
    expect(buffer.take()).toBe("");
  });
});
