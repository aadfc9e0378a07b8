import { z } from "zod";
import { IsoDate } from "../period.ts";

export const FORECAST_METRICS = ["revenue", "orders", "spend", "new_customers"] as const;
export type ForecastMetric = (typeof FORECAST_METRICS)[number];

export const ForecastInput = z
  .object({
    metric: z
      .enum(FORECAST_METRICS)
      .default("revenue")
      .describe(
        "Daily series to forecast: revenue (order amounts), orders, spend (ad spend), new_customers (sign-ups).",
      ),
    channel: z
      .string()
      .min(1)
      .optional()
      .describe(
        "Only this channel code: spend of its campaigns; revenue, orders and new customers of customers it acquired.",
      ),
    until: IsoDate.optional().describe(
      "Last day to forecast, YYYY-MM-DD. Default: the end of the current month (period end). At most 90 days ahead.",
    ),
    history_days: z
      .number()
      .int()
      .min(28)
      .max(730)
      .default(182)
      .describe("Days of history the model is fitted on, ending yesterday (default 182)."),
    target: z
      .number()
      .positive()
      .optional()
      .describe(
        "A target for the month that `until` falls in (actual so far + forecast): the answer gives the probability of reaching it and on track / at risk. Default: the stored monthly target for this metric and channel, if any.",
      ),
  })
  .strict();

export type ForecastInput = z.output<typeof ForecastInput>;
