import { z } from "zod";
import { IsoDate } from "../period.ts";

const Money = z.number().nonnegative().finite();

/** A what-if move: an absolute amount or a percentage of the source channel's current budget, not both. */
const WhatIfMove = z
  .object({
    from: z.string().min(1).describe("Channel code the budget is taken from, e.g. baidu_search."),
    to: z.string().min(1).describe("Channel code the budget goes to, e.g. douyin_ads."),
    amount: Money.optional().describe("Amount to move over the whole horizon, in the business currency."),
    amount_pct: z
      .number()
      .gt(0)
      .max(100)
      .optional()
      .describe("Instead of amount: percent of the from channel's current budget over the horizon (20 = 20%)."),
  })
  .strict()
  .refine((m) => (m.amount === undefined) !== (m.amount_pct === undefined), {
    error: "give amount (money) or amount_pct (percent of the from channel's current budget), exactly one",
  });

export const RecommendBudgetInput = z
  .object({
    start: IsoDate.optional().describe(
      "First day of the history the curves are fitted on. Default: 52 full weeks before end.",
    ),
    end: IsoDate.optional().describe(
      "Last day of the history (the Sunday of the last full week is used). Default: last Sunday.",
    ),
    outcome: z
      .enum(["revenue", "conversions", "gross_margin"])
      .default("revenue")
      .describe("What the budget should maximise: attributed revenue, conversions (orders), or gross margin."),
    conversion: z
      .enum(["all_orders", "first_orders"])
      .default("all_orders")
      .describe("Count every order, or only first orders (new-customer acquisition)."),
    attribution: z
      .enum(["markov", "last_touch"])
      .default("markov")
      .describe("How outcome is credited to channels: Markov-calibrated (default, de-duplicated) or plain last touch."),
    horizon_weeks: z
      .number()
      .int()
      .min(1)
      .max(52)
      .default(4)
      .describe("Length of the budget period in weeks; budgets are totals over it."),
    total_budget: Money.optional().describe(
      "Budget to split over the horizon. Default: the current run rate (last 4 weeks) x horizon.",
    ),
    target_marginal_roas: z
      .number()
      .positive()
      .optional()
      .describe(
        "Target-efficiency mode: the largest budget whose marginal return per unit of spend stays at or above this.",
      ),
    max_change_pct: z
      .number()
      .min(0)
      .max(1000)
      .optional()
      .describe("Largest change per channel vs its current budget, in percent (30 = +/-30%)."),
    limits: z
      .record(z.string(), z.object({ min: Money.optional(), max: Money.optional() }).strict())
      .default({})
      .describe(
        'Per-channel minimum and/or maximum over the horizon, by channel code, e.g. {"douyin_ads":{"min":20000}}.',
      ),
    locked: z.array(z.string().min(1)).default([]).describe("Channel codes to keep at their current budget."),
    channels: z
      .array(z.string().min(1))
      .optional()
      .describe("Only these paid channel codes. Default: every paid channel with spend."),
    move: WhatIfMove.optional().describe(
      'What-if: move budget from one channel to another and report the expected change, e.g. {"from":"baidu_search","to":"douyin_ads","amount_pct":20}. Nothing is saved.',
    ),
    save_proposal: z
      .boolean()
      .default(false)
      .describe(
        "Store the recommendation as a budget proposal awaiting a manager's approval. Only when the user asks to propose, submit or save it; leave false for questions and what-ifs.",
      ),
    revises_proposal_id: z
      .number()
      .int()
      .positive()
      .optional()
      .describe(
        "This recommendation adjusts an open proposal, which becomes superseded; the revision is saved as a new proposal.",
      ),
    include_curves: z
      .boolean()
      .default(true)
      .describe("Return points of each response curve for a chart (current and recommended marked)."),
  })
  .strict()
  .refine((v) => !(v.total_budget !== undefined && v.target_marginal_roas !== undefined), {
    error: "give total_budget or target_marginal_roas, not both",
    path: ["target_marginal_roas"],
  });

export type RecommendBudgetInput = z.output<typeof RecommendBudgetInput>;
