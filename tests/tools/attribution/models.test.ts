// Behaviour of each attribution model on small hand-checked cases, edge cases and the dispatcher.
import { describe, expect, it } from "vitest";
import {
  firstTouch,
  lastNonDirectTouch,
  lastTouch,
  linearTouch,
  positionBased,
  timeDecay,
} from "../../../tools/attribution/heuristics.model.ts";
import { ATTRIBUTION_MODELS, MODEL_DEFINITIONS, runModel, runModels } from "../../../tools/attribution/index.model.ts";
import type { AttributionResult, Journey } from "../../../tools/attribution/journey.model.ts";
import { type SparseMatrix, solveAbsorbing } from "../../../tools/attribution/linear-solve.model.ts";
import { markovAttribution } from "../../../tools/attribution/markov.model.ts";
import { openersAndClosers } from "../../../tools/attribution/opener-closer.model.ts";
import { shapleyAttribution } from "../../../tools/attribution/shapley.model.ts";

const j = (path: string, conversions = 1, value = conversions * 10, nulls = 0, ageDays?: number[]): Journey => ({
  channels: path.split(">").map((c) => c.trim()),
  conversions,
  value,
  nulls,
  ...(ageDays ? { ageDays } : {}),
});
const creditMap = (r: AttributionResult) => Object.fromEntries(r.credits.map((c) => [c.channel, c.conversions]));

describe("heuristic models", () => {
  it("linear counts a repeated channel once per touch", () => {
    expect(creditMap(linearTouch([j("A > A > B", 3)]))).toEqual({ A: 2, B: 1 });
  });

  it("first and last touch", () => {
    const journeys = [j("A > B > C", 2), j("B", 1), j("C > A", 0, 0, 5)];
    expect(creditMap(firstTouch(journeys))).toEqual({ A: 2, B: 1, C: 0 });
    expect(creditMap(lastTouch(journeys))).toEqual({ C: 2, B: 1, A: 0 });
  });

  it("last non-direct skips direct touches, falls back to the last touch when all are direct", () => {
    const journeys = [j("search > direct > Direct ", 2), j("direct > direct", 1), j("email > brand", 4)];
    // "Direct" matches "direct" case-insensitively; the all-direct journey credits its last touch.
    expect(creditMap(lastNonDirectTouch(journeys))).toEqual({ search: 2, direct: 1, Direct: 0, email: 0, brand: 4 });
    expect(creditMap(lastNonDirectTouch(journeys, { directChannels: [" DIRECT", "brand"] }))).toEqual({
      search: 2,
      direct: 1,
      Direct: 0,
      email: 4,
      brand: 0,
    });
  });

  it("time decay halves the weight per half-life, in days or in touches", () => {
    const days = timeDecay([j("A > B > C", 7, 7, 0, [14, 7, 0])], { halfLifeDays: 7 });
    expect(creditMap(days).A).toBeCloseTo(1, 12);
    expect(creditMap(days).B).toBeCloseTo(2, 12);
    expect(creditMap(days).C).toBeCloseTo(4, 12);
    const touches = timeDecay([j("A > B", 3)], { halfLifeDays: 1 });
    expect(creditMap(touches)).toEqual({ B: 2, A: 1 });
  });

  it("time decay stays finite for very old touches and tiny half-lives", () => {
    const r = timeDecay([j("A > B", 1, 1, 0, [1e6, 1e6 + 5])], { halfLifeDays: 1e-3 });
    expect(creditMap(r)).toEqual({ A: 1, B: 0 });
  });

  it("position based: 100% for one touch, 50/50 for two, 40/20/40 otherwise", () => {
    expect(creditMap(positionBased([j("A", 10)]))).toEqual({ A: 10 });
    expect(creditMap(positionBased([j("A > B", 10)]))).toEqual({ A: 5, B: 5 });
    const four = creditMap(positionBased([j("A > B > C > D", 10)]));
    expect(four.A).toBeCloseTo(4, 12);
    expect(four.B).toBeCloseTo(1, 12);
    expect(four.C).toBeCloseTo(1, 12);
    expect(four.D).toBeCloseTo(4, 12);
    const custom = creditMap(positionBased([j("A > B", 8)], { firstWeight: 0.3, lastWeight: 0.5 }));
    expect(custom.A).toBeCloseTo(3, 12);
    expect(custom.B).toBeCloseTo(5, 12);
    expect(() => positionBased([j("A")], { firstWeight: 0.7, lastWeight: 0.7 })).toThrow(RangeError);
  });
});

describe("every model", () => {
  it("returns an empty list with zero totals on empty input", () => {
    for (const run of runModels([])) {
      expect(run.credits, run.model).toEqual([]);
      expect(run.totals, run.model).toEqual({ conversions: 0, value: 0 });
    }
  });

  it("lists channels of non-converting journeys with zero credit", () => {
    for (const run of runModels([j("A > B", 0, 0, 3), j("C", 2)])) {
      expect(creditMap(run), run.model).toEqual({ C: 2, A: 0, B: 0 });
    }
  });

  it("handles journeys longer than 100 touches", () => {
    const channels = Array.from({ length: 150 }, (_, i) => ["a", "b", "c", "direct"][(i * 7) % 4] as string);
    const journeys: Journey[] = [
      { channels, conversions: 3, value: 30, nulls: 2, ageDays: channels.map((_, i) => 300 - 2 * i) },
      j("a > b", 1, 5, 4),
    ];
    for (const order of [1, 2, 3]) {
      for (const run of runModels(journeys, { order })) {
        const sum = run.credits.reduce((a, c) => a + c.conversions, 0);
        expect(sum, run.model).toBeCloseTo(4, 9);
        expect(run.credits.every((c) => Number.isFinite(c.value) && c.conversions >= 0)).toBe(true);
      }
    }
  });

  it("rejects negative or non-finite numbers", () => {
    for (const model of ATTRIBUTION_MODELS) {
      expect(() => runModel(model, [j("A", -1)])).toThrow(RangeError);
      expect(() => runModel(model, [j("A", 1, Number.NaN)])).toThrow(RangeError);
      expect(() => runModel(model, [j("A > B", 1, 1, 0, [1])])).toThrow(RangeError);
    }
  });
});

describe("runModel", () => {
  it("labels results with the model and its definition", () => {
    const run = runModel("markov", [j("A > B", 1, 2, 1)], { order: 2 });
    expect(run.model).toBe("markov");
    expect(run.order).toBe(2);
    expect(run.definition).toBe(MODEL_DEFINITIONS.markov);
    expect(Object.keys(MODEL_DEFINITIONS).sort()).toEqual([...ATTRIBUTION_MODELS].sort());
  });

  it("refuses an unknown model", () => {
    expect(() => runModel("u_shaped" as never, [])).toThrow(/unknown attribution model/);
  });
});

describe("Markov model", () => {
  it("without nulls ignores non-converting journeys entirely", () => {
    const base = [j("A > B", 2, 4), j("B", 1, 3), j("A > C > B", 1, 1)];
    const withNullOnly = [...base, j("C > A", 0, 0, 9), j("D", 0, 0, 3)];
    const a = markovAttribution(base, { includeNulls: false });
    const b = markovAttribution(withNullOnly, { includeNulls: false });
    for (const credit of a.credits) expect(creditMap(b)[credit.channel]).toBeCloseTo(credit.conversions, 12);
    expect(creditMap(b).D).toBe(0);
    expect(b.baseConversionProbability).toBeCloseTo(1, 12);
  });

  it("gives zeros, not NaN, when nothing converts", () => {
    const r = markovAttribution([j("A > B", 0, 0, 4)], { order: 2 });
    expect(r.credits).toEqual([
      { channel: "A", conversions: 0, value: 0 },
      { channel: "B", conversions: 0, value: 0 },
    ]);
    expect(r.baseConversionProbability).toBe(0);
  });

  it("order-k states are windows of k touches", () => {
    const r = markovAttribution([j("a > b > c > d", 1), j("a", 1), j("b > c", 0, 0, 1)], {
      order: 3,
      includeTransitionMatrix: true,
    });
    const edges = (r.transitionMatrix ?? []).map((t) => `${t.from} -> ${t.to}`).sort();
    expect(edges).toEqual(
      [
        "(start) -> a",
        "(start) -> a > b > c",
        "(start) -> b > c",
        "a -> (conversion)",
        "a > b > c -> b > c > d",
        "b > c -> (null)",
        "b > c > d -> (conversion)",
      ].sort(),
    );
  });

  it("Gauss-Seidel and dense LU give the same answer", () => {
    const journeys = [
      j("a > b > a > c", 3, 9, 2),
      j("b > c > b", 1, 2, 5),
      j("c > a", 2, 1, 1),
      j("a > a > b", 0, 0, 4),
      j("c > b > a > b > c", 1, 7, 0),
    ];
    for (const order of [1, 2, 3]) {
      const lu = markovAttribution(journeys, { order, solver: { denseLimit: 1000 } });
      const gs = markovAttribution(journeys, { order, solver: { denseLimit: 0 } });
      expect(lu.solver.method).toBe("dense-lu");
      expect(gs.solver.method).toBe("gauss-seidel");
      for (const c of lu.credits) {
        const other = gs.credits.find((x) => x.channel === c.channel);
        expect(Math.abs((other?.conversions ?? 0) - c.conversions)).toBeLessThan(1e-9);
        expect(Math.abs((other?.value ?? 0) - c.value)).toBeLessThan(1e-9);
      }
    }
  });
});

describe("solveAbsorbing", () => {
  it("a self-loop does not change absorption probabilities", () => {
    // Two states: 0 -> 0 (0.5), 0 -> 1 (0.25), 0 -> conversion (0.25); 1 -> 0 (0.5), 1 -> conversion (0.5).
    const withLoop: SparseMatrix = {
      size: 2,
      rowStart: Int32Array.from([0, 2, 3]),
      columns: Int32Array.from([0, 1, 0]),
      values: Float64Array.from([0.5, 0.25, 0.5]),
    };
    const b = Float64Array.from([0.25, 0.5]);
    // Dropping the loop and renormalising row 0: 0 -> 1 (0.5), 0 -> conversion (0.5).
    const without: SparseMatrix = {
      size: 2,
      rowStart: Int32Array.from([0, 1, 2]),
      columns: Int32Array.from([1, 0]),
      values: Float64Array.from([0.5, 0.5]),
    };
    const b2 = Float64Array.from([0.5, 0.5]);
    for (const denseLimit of [0, 10]) {
      const x = solveAbsorbing(withLoop, [b], null, { denseLimit }).solutions[0] as Float64Array;
      const y = solveAbsorbing(without, [b2], null, { denseLimit }).solutions[0] as Float64Array;
      expect(x[0]).toBeCloseTo(1, 12);
      expect(x[1]).toBeCloseTo(1, 12);
      expect(y[0]).toBeCloseTo(1, 12);
    }
  });

  it("holds removed states at zero", () => {
    const q: SparseMatrix = {
      size: 2,
      rowStart: Int32Array.from([0, 1, 1]),
      columns: Int32Array.from([1]),
      values: Float64Array.from([0.5]),
    };
    const { solutions } = solveAbsorbing(q, [Float64Array.from([0.5, 1])], Uint8Array.from([0, 1]));
    expect(Array.from(solutions[0] as Float64Array)).toEqual([0.5, 0]);
  });
});

describe("Shapley model", () => {
  it("falls back to the simplified form above the channel limit and says so", () => {
    for (const n of [17, 35]) {
      const names = Array.from({ length: n }, (_, i) => `c${i}`);
      const journeys = names.map((c, i) => j(`${c} > ${names[(i + 1) % n]} > ${c}`, i + 1));
      const r = shapleyAttribution(journeys);
      expect(r.method).toBe("simplified");
      expect(r.fellBack).toBe(true);
      expect(r.players).toBe(n);
      expect(r.maxExactChannels).toBe(15);
      // Each journey's conversions split over its 2 distinct channels.
      const c0 = r.credits.find((c) => c.channel === "c0");
      expect(c0?.conversions).toBeCloseTo((1 + n) / 2, 12);
    }
  });

  it("exact enumeration equals the closed form (the game is a sum of unanimity games)", () => {
    const names = Array.from({ length: 12 }, (_, i) => `c${i}`);
    const journeys: Journey[] = [];
    for (let i = 0; i < 60; i++) {
      const path = [names[(i * 5) % 12], names[(i * 7 + 1) % 12], names[(i * i) % 12]].join(" > ");
      journeys.push(j(path, (i % 4) + 1, i * 1.5));
    }
    const exact = shapleyAttribution(journeys, { method: "exact" });
    const simple = shapleyAttribution(journeys, { method: "simplified" });
    expect(exact.method).toBe("exact");
    for (const c of exact.credits) {
      const s = simple.credits.find((x) => x.channel === c.channel);
      expect(Math.abs((s?.conversions ?? 0) - c.conversions)).toBeLessThan(1e-9);
      expect(Math.abs((s?.value ?? 0) - c.value)).toBeLessThan(1e-9);
    }
  });
});

describe("openers and closers", () => {
  it("labels by first-touch vs last-touch share with a relative margin", () => {
    const rows = openersAndClosers([j("a > m > b", 3), j("a > b", 1), j("c", 2), j("b > c", 1), j("z", 0, 0, 3)]);
    const label = Object.fromEntries(rows.map((r) => [r.channel, r.label]));
    expect(label).toEqual({ a: "opener", b: "closer", c: "closer", m: "both", z: "both" });
    const a = rows.find((r) => r.channel === "a");
    expect(a?.firstTouchShare).toBeCloseTo(4 / 7, 12);
    expect(a?.lastTouchShare).toBe(0);
    // c: first 2/7 vs last 3/7 is a closer at 20% margin, "both" at 60%.
    expect(openersAndClosers([j("c", 2), j("b > c", 1)], { margin: 0.6 }).find((r) => r.channel === "c")?.label).toBe(
      "both",
    );
  });
});
