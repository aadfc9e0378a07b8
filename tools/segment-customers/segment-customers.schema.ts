import { z } from "zod";
import { IsoDate } from "../period.ts";
import { REFERENCE_RFM_SEGMENTS } from "./rfm.model.ts";
import { DIMENSIONS } from "./segments.model.ts";

const Score = z.number().int().min(1).max(5);
const ScoreRange = z
  .tuple([Score, Score])
  .refine(([lo, hi]) => lo <= hi, { error: "lower score must not exceed upper score" })
  .describe("[lower, upper] scores, both 1..5, inclusive.");

const REFERENCE_NAMES = REFERENCE_RFM_SEGMENTS.map((r) => r.name);

export const RfmRuleInput = z.union([
  z
    .string()
    .refine((name) => REFERENCE_NAMES.includes(name), {
      error: (issue) =>
        `unknown segment rule name ${JSON.stringify(issue.input)}; reference rules: ${REFERENCE_NAMES.join(", ")}`,
    })
    .describe("The name of a reference rule, used as the package defines it."),
  z
    .object({
      name: z.string().min(1).max(60).describe("Segment name."),
      recency: ScoreRange,
      frequency: ScoreRange,
      monetary: ScoreRange,
    })
    .strict()
    .describe("A custom rule: the customer matches when all three scores are within the ranges."),
]);

export const SegmentCustomersInput = z
  .object({
    dimension: z
      .enum(DIMENSIONS)
      .default("value_tier")
      .describe(
        "How to segment: value_tier (default; high/mid/low with playbook actions), rfm (R package rfm segments), region, city, " +
          "acquisition_channel, frequency_band (orders in period 0/1/2-3/4-6/7+), aov_band (quartiles of average order value), " +
          "preferred_channel (most touches), discount_sensitivity (share of discounted orders none/some/most), lifecycle " +
          "(new/active/at_risk/lapsed/win_back_candidate/inactive/prospect).",
      ),
    cross_with: z
      .enum(DIMENSIONS)
      .optional()
      .describe("Optional second dimension: adds a cross-tab (a, b, customers, revenue) of dimension x cross_with."),
    start: IsoDate.optional().describe(
      "First day of the period (orders on or after it), YYYY-MM-DD. Default: 364 days before end (12 months).",
    ),
    end: IsoDate.optional().describe("Last day of the period, inclusive, YYYY-MM-DD. Default: yesterday."),
    region: z.string().min(1).optional().describe("Only customers in this region (e.g. 'East China')."),
    acquisition_channel: z.string().min(1).optional().describe("Only customers acquired through this channel code."),
    campaign: z
      .string()
      .min(1)
      .optional()
      .describe(
        "Only customers touched by this campaign (external id or exact name) at any time up to the period end.",
      ),
    tier: z.enum(["high", "mid", "low"]).optional().describe("Only customers in this value tier."),
    analysis_date: IsoDate.optional().describe(
      "RFM: the date recency is measured to (days since last order). Default: the period end. Must be on or after end.",
    ),
    rfm_segments: z
      .array(RfmRuleInput)
      .min(1)
      .max(30)
      .optional()
      .describe(
        "RFM: segment rules checked in order, first match wins, unmatched = Others. Each item is a reference rule name " +
          `(${REFERENCE_NAMES.join(", ")}) or {name, recency:[lo,hi], frequency:[lo,hi], monetary:[lo,hi]}. Default: the 10 reference rules.`,
      ),
    examples_per_segment: z
      .number()
      .int()
      .min(0)
      .max(20)
      .default(3)
      .describe(
        "Example customers per segment, largest period revenue first (for rfm: the top customer of each score cell in the segment); names masked unless the caller may see personal data.",
      ),
  })
  .strict();

export type SegmentCustomersInput = z.output<typeof SegmentCustomersInput>;
