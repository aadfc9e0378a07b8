// A/B statistics against textbook values: normal quantiles, Newcombe (1998) intervals, chi-square identity, sample sizes.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  newcombeInterval,
  normalCdf,
  normalQuantile,
  powerAt,
  sampleSizePerArm,
  twoProportionZTest,
  waldInterval,
} from "../../../tools/compare-ab-test/ab-test.model.ts";

describe("normal distribution", () => {
  it("matches published CDF and quantile values", () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 13);
    expect(normalQuantile(0.8)).toBeCloseTo(0.8416212335729143, 13);
    expect(normalQuantile(0.995)).toBeCloseTo(2.5758293035489, 12);
    expect(normalQuantile(1e-10)).toBeCloseTo(-6.361340902404056, 11);
    expect(normalCdf(1.96)).toBeCloseTo(0.9750021048517795, 15);
    expect(normalCdf(-1)).toBeCloseTo(0.15865525393145707, 15);
    expect(normalCdf(-3)).toBeCloseTo(0.0013498980316301, 15);
    expect(normalCdf(-8) / 6.22096057427178e-16).toBeCloseTo(1, 12);
    expect(normalCdf(0)).toBe(0.5);
  });
  it("quantile inverts the CDF", () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-12, max: 1 - 1e-12, noNaN: true }), (p) => {
        const back = normalCdf(normalQuantile(p));
        expect(Math.abs(back - p)).toBeLessThan(1e-14 + 1e-12 * p);
      }),
    );
  });
});

describe("two proportions", () => {
  // Newcombe (1998), Statistics in Medicine 17:873, Table II example (a): 56/70 vs 48/80.
  const a = { visitors: 80, conversions: 48 };
  const b = { visitors: 70, conversions: 56 };
  it("Newcombe's hybrid score (method 10) and Wald (method 1) intervals for 56/70 - 48/80", () => {
    const [lo, hi] = newcombeInterval(a, b);
    expect(lo).toBeCloseTo(0.0524, 4);
    expect(hi).toBeCloseTo(0.3339, 4);
    const [wlo, whi] = waldInterval(a, b);
    expect(wlo).toBeCloseTo(0.0575, 4);
    expect(whi).toBeCloseTo(0.3425, 4);
  });
  it("z^2 equals Pearson's chi-square of the 2x2 table", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 5000 }),
        fc.integer({ min: 2, max: 5000 }),
        fc.double({ min: 0.01, max: 0.99, noNaN: true }),
        fc.double({ min: 0.01, max: 0.99, noNaN: true }),
        (na, nb, fa, fb) => {
          const ka = Math.max(1, Math.min(na - 1, Math.round(na * fa)));
          const kb = Math.max(1, Math.min(nb - 1, Math.round(nb * fb)));
          const { z } = twoProportionZTest({ visitors: na, conversions: ka }, { visitors: nb, conversions: kb });
          const cells = [ka, na - ka, kb, nb - kb];
          const n = na + nb;
          const col = [ka + kb, n - ka - kb];
          const rowTotals = [na, na, nb, nb];
          let chi = 0;
          cells.forEach((o, i) => {
            const e = ((rowTotals[i] as number) * (col[i % 2] as number)) / n;
            chi += (o - e) ** 2 / e;
          });
          expect(z * z).toBeCloseTo(chi, 6);
        },
      ),
    );
    // 48/80 vs 56/70: chi-square 7.0234 (R: prop.test(c(56,48), c(70,80), correct = FALSE)), p = 0.008045.
    const t = twoProportionZTest(a, b);
    expect(t.z * t.z).toBeCloseTo(7.0234, 3);
    expect(t.pValue).toBeCloseTo(0.008045, 5);
  });
  it("sample size per arm (Fleiss, no continuity correction)", () => {
    // 10% -> 15% at alpha 0.05, power 0.8: 686 per arm (the usual textbook table value).
    expect(Math.ceil(sampleSizePerArm(0.1, 0.15))).toBe(686);
    // R power.prop.test(p1 = .5, p2 = .75, power = .9) gives 76.65; it also counts the far rejection tail.
    expect(sampleSizePerArm(0.5, 0.75, 0.05, 0.9)).toBeCloseTo(76.71, 1);
  });
});

describe("powerAt", () => {
  it("inverts the sample-size formula: at the required visitors the power is the target", () => {
    for (const [p1, p2, alpha, power] of [
      [0.1, 0.15, 0.05, 0.8],
      [0.05, 0.055, 0.05, 0.9],
      [0.5, 0.75, 0.01, 0.8],
    ] as const) {
      expect(powerAt(p1, p2, sampleSizePerArm(p1, p2, alpha, power), alpha)).toBeCloseTo(power, 9);
    }
    // Fewer visitors, less power; no difference at all leaves only the false-positive rate.
    expect(powerAt(0.1, 0.15, 300)).toBeLessThan(0.5);
    expect(powerAt(0.1, 0.1, 300)).toBe(0.05);
  });
});
