// The robust seasonal baseline on synthetic series whose truth is known.
import { describe, expect, it } from "vitest";
import {
  mad,
  median,
  modifiedZ,
  poissonCdf,
  poissonSurprise,
  robustBaseline,
} from "../../tools/detect-anomalies/baseline.model.ts";
import { groupRuns, severityOf } from "../../tools/detect-anomalies/scan.ts";

/** A deterministic weekly pattern (weekends low) with +-4% pseudo-noise, on the log scale. */
function weeklySeries(days: number): Float64Array {
  const weekday = [0.1, 0.1, 0.12, 0.14, 0.18, -0.3, -0.35];
  const ys = new Float64Array(days);
  for (let d = 0; d < days; d++) ys[d] = Math.log(100) + (weekday[d % 7] as number) + 0.04 * Math.sin(d * 12.9898);
  return ys;
}

const OPTIONS = { weeks: 8, minPoints: 4, minSpread: 0.05 };

describe("robust baseline", () => {
  it("median and MAD of a small set", () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(mad([1, 2, 3, 4, 100])).toBe(1);
  });

  it("centres on the same weekday, so a normal Saturday is not an anomaly", () => {
    const ys = weeklySeries(70);
    const saturday = 68; // 68 % 7 = 5
    const b = robustBaseline(ys, saturday, OPTIONS);
    expect(b).not.toBeNull();
    if (!b) return;
    expect(b.points).toBe(8);
    expect(Math.exp(b.center)).toBeCloseTo(100 * Math.exp(-0.3), -1);
    expect(Math.abs(modifiedZ(ys[saturday] as number, b.center, b.spread))).toBeLessThan(3.5);
  });

  it("flags a doubling on a weekday and not the weekday pattern itself", () => {
    const ys = weeklySeries(70);
    const tuesday = 65; // 65 % 7 = 2
    ys[tuesday] = (ys[tuesday] as number) + Math.log(2);
    const b = robustBaseline(ys, tuesday, OPTIONS);
    if (!b) throw new Error("no baseline");
    expect(modifiedZ(ys[tuesday] as number, b.center, b.spread)).toBeGreaterThan(3.5);
    // Every unplanted day of the last four weeks stays under the threshold.
    for (let d = 42; d < 70; d++) {
      if (d === tuesday) continue;
      const other = robustBaseline(ys, d, OPTIONS);
      if (!other) throw new Error("no baseline");
      expect(Math.abs(modifiedZ(ys[d] as number, other.center, other.spread))).toBeLessThan(3.5);
    }
  });

  it("is not thrown off by an earlier outlier in its own window (robust, unlike mean and SD)", () => {
    const ys = weeklySeries(70);
    ys[56] = (ys[56] as number) + 3; // a wild Monday one week before
    const b = robustBaseline(ys, 63, OPTIONS);
    if (!b) throw new Error("no baseline");
    expect(Math.exp(b.center)).toBeCloseTo(100 * Math.exp(0.1), -1);
    expect(b.spread).toBeLessThan(0.3);
  });

  it("gives no verdict with too few usable points", () => {
    const ys = weeklySeries(70);
    expect(robustBaseline(ys, 20, OPTIONS)).toBeNull(); // only two earlier same weekdays
    expect(robustBaseline(ys, 63, { ...OPTIONS, usable: (i) => i > 40 })).toBeNull();
  });

  it("floors the spread of a perfectly flat baseline", () => {
    const b = robustBaseline(new Float64Array(70).fill(2), 63, OPTIONS);
    expect(b?.spread).toBe(0.05);
  });
});

describe("Poisson volume rule", () => {
  it("3 a day dropping to 0 is not surprising; 20 a day dropping to 0 is", () => {
    expect(poissonSurprise(0, 3)).toBeCloseTo(Math.exp(-3), 10);
    expect(poissonSurprise(0, 3)).toBeGreaterThan(0.001);
    expect(poissonSurprise(0, 20)).toBeLessThan(1e-8);
  });

  it("upper tail and large means", () => {
    expect(poissonCdf(2, 1)).toBeCloseTo(Math.exp(-1) * 2.5, 10);
    expect(poissonSurprise(12, 1)).toBeLessThan(1e-7);
    // Normal approximation above 500: 10,000 +- 100 is one SD, not an anomaly.
    expect(poissonSurprise(10_100, 10_000)).toBeGreaterThan(0.1);
  });
});

describe("runs and severity", () => {
  it("groups consecutive days in one direction", () => {
    const f = (d: number, z: number) => ({ d, z, actual: 1, expected: 1, low: 0, high: 2 });
    const runs = groupRuns([f(3, 5), f(4, 6), f(5, -4), f(9, 4)]);
    expect(runs.map((r) => r.map((x) => x.d))).toEqual([[3, 4], [5], [9]]);
  });

  it("severity grows with z and effect size", () => {
    expect(severityOf(3.6, 0.3)).toBe("low");
    expect(severityOf(5.5, 0.3)).toBe("medium");
    expect(severityOf(3.6, -1)).toBe("high");
  });
});
