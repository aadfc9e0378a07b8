import { z } from "zod";
import { IsoDate } from "../period.ts";
import { ATTRIBUTION_MODELS } from "./index.model.ts";

export const ComputeAttributionInput = z
  .object({
    start: IsoDate.optional().describe(
      "First day of the period (orders on or after it), YYYY-MM-DD. Default: 90 days before end.",
    ),
    end: IsoDate.optional().describe("Last day of the period, inclusive, YYYY-MM-DD. Default: yesterday."),
    model: z
      .enum(ATTRIBUTION_MODELS)
      .default("markov")
      .describe(
        "Attribution model: first_touch, last_touch, last_non_direct, linear, time_decay, position_based, markov (data-driven, default), shapley.",
      ),
    compare_models: z
      .union([z.boolean(), z.array(z.enum(ATTRIBUTION_MODELS)).min(1)])
      .default(false)
      .describe(
        'Also return other models\' credits side by side: true for every model, or a list such as ["last_touch","linear"].',
      ),
    lookback_days: z
      .number()
      .int()
      .min(1)
      .max(365)
      .default(30)
      .describe("Touches count toward an order only if they happened at most this many days before it."),
    conversion: z
      .enum(["all_orders", "first_orders"])
      .default("all_orders")
      .describe("Which orders are conversions: every order, or only each customer's first order (acquisition)."),
    granularity: z
      .enum(["channel", "platform", "campaign"])
      .default("channel")
      .describe("Credit channels (e.g. douyin_ads), ad platforms (e.g. Meta), or campaigns."),
    region: z.string().min(1).optional().describe("Only customers in this region (e.g. 'East China')."),
    acquisition_channel: z
      .string()
      .min(1)
      .optional()
      .describe("Only customers acquired through this channel code (a segment filter)."),
    journeys_dataset: z
      .string()
      .min(1)
      .optional()
      .describe(
        "Use an imported aggregated path file (beacon import journeys) instead of the touchpoints table; period, lookback and filters then do not apply.",
      ),
    markov_order: z.number().int().min(1).max(3).default(1).describe("Markov chain order: touches per state, 1 to 3."),
    include_null_paths: z
      .boolean()
      .default(true)
      .describe(
        "Markov: include journeys that did not convert (recommended; without them removal effects are inflated).",
      ),
    include_transition_matrix: z.boolean().default(false).describe("Markov: also return the transition probabilities."),
    half_life_days: z
      .number()
      .positive()
      .max(365)
      .default(7)
      .describe("Time decay: a touch this many days older gets half the weight."),
    first_weight: z.number().min(0).max(1).default(0.4).describe("Position based: share of the first touch."),
    last_weight: z.number().min(0).max(1).default(0.4).describe("Position based: share of the last touch."),
    direct_channels: z
      .array(z.string().min(1))
      .default(["direct"])
      .describe("Last non-direct: channel names treated as direct."),
  })
  .strict()
  .refine((v) => v.first_weight + v.last_weight <= 1, {
    error: "first_weight + last_weight must not exceed 1",
    path: ["last_weight"],
  });

export type ComputeAttributionInput = z.output<typeof ComputeAttributionInput>;
