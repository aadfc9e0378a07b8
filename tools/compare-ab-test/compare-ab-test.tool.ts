import { z } from "zod";
import { IsoDate, resolvePeriod } from "../period.ts";
import { defineTool, ROLES, ToolInputError } from "../tool.ts";
import {
  type Arm,
  newcombeInterval,
  powerAt,
  sampleSizePerArm,
  twoProportionZTest,
  waldInterval,
} from "./ab-test.model.ts";
import { fetchCampaignArm, fetchCampaignsByExternalId } from "./compare-ab-test.queries.ts";
import { decideVerdict } from "./verdict.model.ts";

const ArmCounts = z
  .object({
    visitors: z.number().int().min(1).describe("People (or sessions) exposed to this variant."),
    conversions: z.number().int().min(0).describe("Of them, how many converted."),
  })
  .strict()
  .refine((v) => v.conversions <= v.visitors, { error: "conversions cannot exceed visitors", path: ["conversions"] });

export const CompareAbTestInput = z
  .object({
    a: ArmCounts.optional().describe(
      "Control arm counts {visitors, conversions}; give a and b, or campaign_a and campaign_b.",
    ),
    b: ArmCounts.optional().describe("Variant arm counts {visitors, conversions}."),
    campaign_a: z.string().min(1).optional().describe("Control campaign external id (see list_campaigns)."),
    campaign_b: z.string().min(1).optional().describe("Variant campaign external id."),
    start: IsoDate.optional().describe("Campaigns: first day of the period, YYYY-MM-DD. Default: 30 days before end."),
    end: IsoDate.optional().describe("Campaigns: last day of the period, inclusive. Default: yesterday."),
    lookback_days: z
      .number()
      .int()
      .min(1)
      .max(90)
      .default(30)
      .describe(
        "Campaigns: an order counts for the campaign if its last touch within this many days was the campaign.",
      ),
    alpha: z
      .number()
      .min(0.001)
      .max(0.2)
      .default(0.05)
      .describe("Significance level of the two-sided test (default 0.05)."),
    power: z.number().min(0.5).max(0.99).default(0.8).describe("Power for the sample-size calculation (default 0.8)."),
    minimum_detectable_lift: z
      .number()
      .positive()
      .max(10)
      .default(0.1)
      .describe("Smallest relative lift worth detecting, e.g. 0.1 = +10% on the control rate (default)."),
  })
  .strict()
  .refine(
    (v) => (v.a !== undefined && v.b !== undefined) !== (v.campaign_a !== undefined && v.campaign_b !== undefined),
    {
      error: "give either both a and b (counts) or both campaign_a and campaign_b",
    },
  );

const r6 = (x: number) => Math.round(x * 1e6) / 1e6;
const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

export const compareAbTestTool = defineTool({
  name: "compare_ab_test",
  description:
    "Compares the conversion rates of two variants (explicit visitor/conversion counts or two campaigns): rates, absolute " +
    "difference with a 95% Newcombe interval, two-proportion z-test p-value, relative lift, and the visitors per arm needed " +
    "for a minimum detectable lift. Verdict: a_wins/b_wins only when significant, the lift reaches the minimum and the test " +
    "had enough visitors; otherwise significant_but_below_minimum_lift, significant_but_underpowered, " +
    "no_significant_difference or inconclusive, with a sentence and a power note.",
  input: CompareAbTestInput,
  roles: ROLES,
  access: "read",
  async run(input, context) {
    let a: Arm;
    let b: Arm;
    let labels = { a: "A", b: "B" };
    let source: Record<string, unknown> = { kind: "counts given by the caller" };
    const warnings: string[] = [];
    if (input.a && input.b) {
      a = input.a;
      b = input.b;
    } else {
      const ids = [input.campaign_a as string, input.campaign_b as string];
      if (ids[0] === ids[1]) throw new ToolInputError("campaign_a and campaign_b are the same campaign");
      const campaigns = await fetchCampaignsByExternalId(context.db, ids);
      const missing = ids.filter((id) => !campaigns.has(id));
      if (missing.length > 0) {
        throw new ToolInputError(`unknown campaign id(s): ${missing.join(", ")}; find ids with list_campaigns`);
      }
      const ca = campaigns.get(ids[0] as string) as { id: number; name: string };
      const cb = campaigns.get(ids[1] as string) as { id: number; name: string };
      const { start, end } = resolvePeriod(input.start, input.end, context, 30);
      const common = { start, end, timezone: context.timezone, lookbackDays: input.lookback_days };
      const armA = await fetchCampaignArm(context.db, { ...common, campaignId: ca.id, otherCampaignId: cb.id });
      const armB = await fetchCampaignArm(context.db, { ...common, campaignId: cb.id, otherCampaignId: ca.id });
      if (armA.visitors === 0 || armB.visitors === 0) {
        throw new ToolInputError(
          `no touched customers for ${armA.visitors === 0 ? ids[0] : ids[1]} between ${start} and ${end}; pick the campaign's flight dates`,
        );
      }
      a = armA;
      b = armB;
      labels = { a: `${ids[0]} (${ca.name})`, b: `${ids[1]} (${cb.name})` };
      source = {
        kind: "campaigns",
        period: { start, end, timezone: context.timezone },
        visitors: "distinct customers with at least one touch from the campaign in the period",
        conversions: `visitors with an order in the period whose last touch (within ${input.lookback_days} days before it) was the campaign`,
        customers_touched_by_both: armA.overlap,
      };
      warnings.push(
        "Campaign audiences are not randomised: differences in targeting, timing and audience can explain a gap as well as the creative.",
      );
      if (armA.overlap > 0) warnings.push(`${armA.overlap} customers were touched by both campaigns.`);
    }
    const rateA = a.conversions / a.visitors;
    const rateB = b.conversions / b.visitors;
    const test = twoProportionZTest(a, b);
    const newcombe = newcombeInterval(a, b, 0.95);
    const wald = waldInterval(a, b, 0.95);
    const baseline = rateA > 0 ? rateA : (a.conversions + b.conversions) / (a.visitors + b.visitors);
    const target = baseline * (1 + input.minimum_detectable_lift);
    const required =
      baseline > 0 && target < 1 ? Math.ceil(sampleSizePerArm(baseline, target, input.alpha, input.power)) : null;
    const significant = test.pValue < input.alpha;
    const smallest = Math.min(a.visitors, b.visitors);
    const powered = required !== null && smallest >= required;
    const power = baseline > 0 && target < 1 ? powerAt(baseline, target, smallest, input.alpha) : null;
    const decision = decideVerdict({
      rateA,
      rateB,
      pValue: test.pValue,
      alpha: input.alpha,
      minimumLift: input.minimum_detectable_lift,
      required,
      smallestArm: smallest,
      power,
      labels,
    });
    const liftPct = `${+(input.minimum_detectable_lift * 100).toFixed(2)}%`;
    const reasons: string[] = [];
    if (!significant) reasons.push(`not significant: p = ${test.pValue.toPrecision(3)} >= alpha ${input.alpha}`);
    if (decision.verdict === "significant_but_below_minimum_lift") reasons.push("lift below the minimum you set");
    if (required === null) reasons.push("no conversions in either arm, so the needed sample size is unknown");
    else if (!powered && decision.verdict !== "significant_but_below_minimum_lift")
      reasons.push(
        `underpowered: ${smallest.toLocaleString("en-US")} visitors in the smaller arm, ${required.toLocaleString("en-US")} needed per arm to detect a ${liftPct} lift with power ${input.power}`,
      );
    const lift = rateA > 0 ? rateB / rateA - 1 : null;
    const summary =
      `${decision.text} ${labels.b} ${pct(rateB)} vs ${labels.a} ${pct(rateA)} ` +
      `(difference ${pct(rateB - rateA)}, 95% CI ${pct(newcombe[0])} to ${pct(newcombe[1])}).`;
    return {
      summary,
      verdict: decision.verdict,
      verdict_text: decision.text,
      better_arm: decision.better,
      reasons,
      arms: {
        a: { label: labels.a, visitors: a.visitors, conversions: a.conversions, rate: r6(rateA) },
        b: { label: labels.b, visitors: b.visitors, conversions: b.conversions, rate: r6(rateB) },
      },
      difference: {
        absolute: r6(rateB - rateA),
        ci95_newcombe: newcombe.map(r6),
        ci95_wald: wald.map(r6),
        relative_lift: lift === null ? null : r6(lift),
      },
      test: { z: r6(test.z), p_value: test.pValue, alpha: input.alpha, significant },
      sample_size: {
        baseline_rate: r6(baseline),
        minimum_detectable_lift: input.minimum_detectable_lift,
        target_rate: r6(target),
        power: input.power,
        required_visitors_per_arm: required,
        smallest_arm: smallest,
        powered,
        power_at_smallest_arm: power === null ? null : r6(power),
        power_note:
          power === null
            ? "no arm converted, so power is unknown"
            : `with ${smallest.toLocaleString("en-US")} visitors per arm the test detects a ${liftPct} lift ${pct(power)} of the time (target ${+(input.power * 100).toFixed(1)}%)`,
      },
      definitions: {
        difference: "rate(B) - rate(A); B is the variant, A the control.",
        ci: "95% interval for the difference: Newcombe's hybrid score interval (1998, method 10, from Wilson intervals), reported as primary; the Wald interval is shown for comparison.",
        test: "Two-sided pooled two-proportion z-test (equal to Pearson's chi-square without continuity correction).",
        sample_size:
          "Visitors per arm to detect baseline -> baseline x (1 + lift) at the given alpha (two-sided) and power (Fleiss formula, no continuity correction).",
        verdict:
          "a_wins / b_wins: p < alpha, the lift is at least minimum_detectable_lift and the smaller arm has the required visitors; " +
          "significant_but_below_minimum_lift: p < alpha but the lift is smaller than the minimum you set; " +
          "significant_but_underpowered: p < alpha but fewer visitors than needed (small significant tests overstate lifts); " +
          "no_significant_difference: p >= alpha with enough visitors to detect the minimum lift; " +
          "inconclusive: p >= alpha and too few visitors to rule the minimum lift out. better_arm names the higher rate when p < alpha.",
      },
      source,
      warnings,
    };
  },
});
