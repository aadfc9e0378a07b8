import { z } from "zod";
import { IsoDate } from "../period.ts";

export const MATCH_RULES = ["order_id_then_customer_window", "order_id", "customer_window"] as const;

export const ReconcilePlatformsInput = z
  .object({
    start: IsoDate.optional().describe(
      "First day of the period (claims converted on or after it), YYYY-MM-DD. Default: 30 days before end.",
    ),
    end: IsoDate.optional().describe("Last day of the period, inclusive, YYYY-MM-DD. Default: yesterday."),
    platforms: z
      .array(z.string().min(1))
      .optional()
      .describe(
        "Only these ad platforms (names as in the data, e.g. Meta, Douyin). Default: every platform with claims.",
      ),
    match_rule: z
      .enum(MATCH_RULES)
      .default("order_id_then_customer_window")
      .describe(
        "How a platform claim is matched to a real order: by the order id the platform passed back, by the same customer " +
          "ordering within match_window_hours of the claimed conversion, or order id first and the window as fallback (default).",
      ),
    match_window_hours: z
      .number()
      .int()
      .min(1)
      .max(168)
      .default(48)
      .describe(
        "customer_window matching: the order must be within this many hours of the platform's conversion time.",
      ),
    attribution_model: z
      .enum(["markov", "last_touch", "linear", "first_touch", "position_based", "shapley"])
      .default("markov")
      .describe("Model for the model-attributed ROAS column (platform granularity, all orders, 30-day lookback)."),
  })
  .strict();

export type ReconcilePlatformsInput = z.output<typeof ReconcilePlatformsInput>;
