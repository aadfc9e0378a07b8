// Invariants every attribution model must keep, on random journeys (fast-check).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ATTRIBUTION_MODELS, type ModelParams, runModel } from "../../../tools/attribution/index.model.ts";
import type { AttributionResult, Journey } from "../../../tools/attribution/journey.model.ts";

const CHANNELS = ["a", "b", "c", "d", "e", "direct"];
// Counts and weights as data holds them: whole numbers, or fractions no smaller than a thousandth.
const amount = fc.oneof(fc.integer({ min: 0, max: 5 }), fc.double({ min: 1e-3, max: 1000, noNaN: true }));
// Any finite non-negative double, subnormals (5e-324) and near-overflow included: outputs must stay finite.
const anyAmount = fc.double({ min: 0, max: 1e300, noNaN: true });

const journeyOf = (amountArb: fc.Arbitrary<number>): fc.Arbitrary<Journey> =>
  fc
    .record({
      channels: fc.array(fc.constantFrom(...CHANNELS), { minLength: 1, maxLength: 8 }),
      conversions: amountArb,
      value: amountArb,
      nulls: amountArb,
      withAges: fc.boolean(),
    })
    .chain(({ withAges, ...j }) =>
      withAges
        ? fc
            .array(fc.double({ min: 0, max: 90, noNaN: true }), {
              minLength: j.channels.length,
              maxLength: j.channels.length,
            })
            .map((ageDays) => ({ ...j, ageDays }))
        : fc.constant(j),
    );
const journeysOf = (amountArb: fc.Arbitrary<number>) => fc.array(journeyOf(amountArb), { maxLength: 25 });
const journeysArb = journeysOf(amount);

/** Every model, plus the Markov variants, each with the parameters that select it. */
const VARIANTS: [string, (typeof ATTRIBUTION_MODELS)[number], ModelParams][] = [
  ...ATTRIBUTION_MODELS.map((m): [string, (typeof ATTRIBUTION_MODELS)[number], ModelParams] => [m, m, {}]),
  ["markov order 2", "markov", { order: 2 }],
  ["markov order 3", "markov", { order: 3 }],
  ["markov without nulls", "markov", { includeNulls: false }],
  ["shapley simplified", "shapley", { shapleyMethod: "simplified" }],
  ["time decay 1 day", "time_decay", { halfLifeDays: 1 }],
  ["position based 30/50", "position_based", { firstWeight: 0.3, lastWeight: 0.5 }],
];

const close = (a: number, b: number, tol = 1e-9) => Math.abs(a - b) <= tol * Math.max(1, Math.abs(a), Math.abs(b));
const byChannel = (r: AttributionResult) => new Map(r.credits.map((c) => [c.channel, c]));

describe.each(VARIANTS)("%s", (_label, model, params) => {
  it("credits are finite, non-negative, one per channel seen, and add up to the totals", () => {
    fc.assert(
      fc.property(journeysArb, (journeys) => {
        const r = runModel(model, journeys, params);
        const seen = new Set(journeys.flatMap((j) => j.channels));
        expect(new Set(r.credits.map((c) => c.channel))).toEqual(seen);
        let conversions = 0;
        let value = 0;
        for (const c of r.credits) {
          expect(Number.isFinite(c.conversions) && c.conversions >= 0).toBe(true);
          expect(Number.isFinite(c.value) && c.value >= 0).toBe(true);
          conversions += c.conversions;
          value += c.value;
        }
        const converting = journeys.filter((j) => j.conversions > 0);
        expect(
          close(
            r.totals.conversions,
            converting.reduce((a, j) => a + j.conversions, 0),
          ),
        ).toBe(true);
        expect(close(conversions, r.totals.conversions)).toBe(true);
        // Value can only be credited through conversions that carry some.
        const valueCarried = model === "markov" || converting.some((j) => j.value > 0);
        expect(close(value, valueCarried ? r.totals.value : 0)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it("never returns NaN, Infinity or a negative credit, whatever the magnitudes", () => {
    fc.assert(
      fc.property(journeysOf(anyAmount), (journeys) => {
        const r = runModel(model, journeys, params);
        for (const c of r.credits) {
          expect(Number.isFinite(c.conversions) && c.conversions >= 0).toBe(true);
          expect(Number.isFinite(c.value) && c.value >= 0).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
  });

  it("does not depend on the order of the journeys", () => {
    fc.assert(
      fc.property(
        journeysArb.chain((js) =>
          fc.tuple(fc.constant(js), fc.shuffledSubarray(js, { minLength: js.length, maxLength: js.length })),
        ),
        ([journeys, shuffled]) => {
          const a = runModel(model, journeys, params);
          const b = byChannel(runModel(model, shuffled, params));
          for (const c of a.credits) {
            const other = b.get(c.channel);
            expect(close(c.conversions, other?.conversions ?? Number.NaN)).toBe(true);
            expect(close(c.value, other?.value ?? Number.NaN)).toBe(true);
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it("single-touch journeys credit each channel exactly its own conversions and value", () => {
    const single = fc.array(
      fc.record({
        channels: fc.constantFrom(...CHANNELS).map((c) => [c]),
        conversions: amount,
        value: amount,
        nulls: amount,
      }),
      { maxLength: 20 },
    );
    fc.assert(
      fc.property(single, (journeys) => {
        const r = byChannel(runModel(model, journeys, params));
        const own = new Map<string, { conversions: number; value: number }>();
        for (const j of journeys) {
          const o = own.get(j.channels[0] as string) ?? { conversions: 0, value: 0 };
          if (j.conversions > 0) {
            o.conversions += j.conversions;
            o.value += j.value;
          }
          own.set(j.channels[0] as string, o);
        }
        for (const [channel, o] of own) {
          const c = r.get(channel);
          expect(close(c?.conversions ?? Number.NaN, o.conversions, 1e-9)).toBe(true);
          expect(close(c?.value ?? Number.NaN, o.value, 1e-9)).toBe(true);
        }
      }),
      { numRuns: 100 },
    );
  });
});
