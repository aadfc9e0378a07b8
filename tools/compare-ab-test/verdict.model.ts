// One verdict vocabulary for an A/B comparison, so "significant: true" never sits next to a bare "no winner":
// significance, the size of the lift against the minimum the caller set, and whether the test had enough visitors.

export const VERDICTS = [
  "a_wins",
  "b_wins",
  "significant_but_below_minimum_lift",
  "significant_but_underpowered",
  "no_significant_difference",
  "inconclusive",
] as const;
export type Verdict = (typeof VERDICTS)[number];

/** What the verdict is decided from. */
export interface VerdictInputs {
  rateA: number;
  rateB: number;
  pValue: number;
  alpha: number;
  minimumLift: number;
  /** Visitors per arm needed to detect the minimum lift; null when no arm converted. */
  required: number | null;
  smallestArm: number;
  /** Power to detect the minimum lift at the smaller arm's size; null when unknown. */
  power: number | null;
  labels: { a: string; b: string };
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const count = (x: number) => x.toLocaleString("en-US");

/** The verdict, the arm with the higher rate when the difference is significant, and a sentence saying both. */
export function decideVerdict(x: VerdictInputs): { verdict: Verdict; better: "a" | "b" | null; text: string } {
  const significant = x.pValue < x.alpha;
  const better = x.rateB > x.rateA ? "b" : "a";
  const [hi, lo] = better === "b" ? [x.rateB, x.rateA] : [x.rateA, x.rateB];
  // Lift of the better arm over the other, on the same relative scale as the minimum the caller set.
  const lift = lo > 0 ? hi / lo - 1 : Number.POSITIVE_INFINITY;
  const liftText = Number.isFinite(lift) ? pct(lift) : "unbounded (the other arm had no conversions)";
  const p = `p = ${x.pValue.toPrecision(3)}`;
  const minimum = pct(x.minimumLift);
  const powered = x.required !== null && x.smallestArm >= x.required;
  const size =
    x.required === null
      ? "no arm converted, so the visitors needed are unknown"
      : `${count(x.smallestArm)} visitors in the smaller arm, ${count(x.required)} needed per arm to detect a ${minimum} lift` +
        (x.power === null ? "" : ` (power at this size: ${pct(x.power)})`);
  const letter = better === "b" ? "B" : "A";
  const label = x.labels[better];
  const name = label === letter ? letter : `${letter} (${label})`;
  // A lift equal to the minimum (1.2 / 1.0 - 1 = 0.19999999999999996) reaches it: compare with a rounding margin.
  if (significant && lift < x.minimumLift - 1e-9) {
    return {
      verdict: "significant_but_below_minimum_lift",
      better,
      text: `${name} is better (significant, ${p}), but its lift of ${liftText} is below the ${minimum} minimum you set.`,
    };
  }
  if (significant && !powered) {
    return {
      verdict: "significant_but_underpowered",
      better,
      text:
        `${name} is better (significant, ${p}, lift ${liftText}), but the test is underpowered: ${size}. ` +
        "Significant results from small tests tend to overstate the lift: keep the test running before rolling out.",
    };
  }
  if (significant) {
    return { verdict: better === "b" ? "b_wins" : "a_wins", better, text: `${name} wins (${p}, lift ${liftText}).` };
  }
  if (powered) {
    return {
      verdict: "no_significant_difference",
      better: null,
      text: `No significant difference (${p}); the test was large enough to detect a ${minimum} lift (${size}), so a lift that large is unlikely.`,
    };
  }
  return {
    verdict: "inconclusive",
    better: null,
    text: `Inconclusive: no significant difference (${p}), but the test is too small to rule out a ${minimum} lift: ${size}.`,
  };
}
