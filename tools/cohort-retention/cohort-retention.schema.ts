import { z } from "zod";
import { IsoDate } from "../period.ts";

export const COHORT_SPLITS = ["acquisition_channel", "campaign", "region", "value_tier"] as const;
export type CohortSplit = (typeof COHORT_SPLITS)[number];

export const CohortRetentionInput = z
  .object({
    granularity: z
      .enum(["month", "week"])
      .default("month")
      .describe("Cohort and period length: calendar months (default) or ISO weeks starting Monday."),
    cohorts: z
      .number()
      .int()
      .min(1)
      .max(53)
      .default(12)
      .describe("How many complete months/weeks of acquisition cohorts, ending at end (default 12: a 12x12 triangle)."),
    periods: z
      .number()
      .int()
      .min(1)
      .max(53)
      .optional()
      .describe("Periods since acquisition to show (period 0 = the acquisition month/week). Default: cohorts."),
    end: IsoDate.optional().describe(
      "Last day of data, YYYY-MM-DD; the grid ends with the last complete month/week on or before it. Default: yesterday.",
    ),
    split_by: z
      .enum(COHORT_SPLITS)
      .optional()
      .describe(
        "Split cohorts by acquisition_channel (channel code), campaign (campaign of the customer's first campaign touch), " +
          "region, or value_tier (the customer's current trailing-12-month tier).",
      ),
    compare: z
      .tuple([z.string().min(1), z.string().min(1)])
      .optional()
      .describe(
        "Two values of split_by to compare period by period, e.g. ['baidu_search','douyin_ads']; needs split_by.",
      ),
    acquisition_channel: z.string().min(1).optional().describe("Only customers acquired through this channel code."),
    region: z.string().min(1).optional().describe("Only customers in this region (e.g. 'East China')."),
  })
  .strict();

export type CohortRetentionInput = z.output<typeof CohortRetentionInput>;
