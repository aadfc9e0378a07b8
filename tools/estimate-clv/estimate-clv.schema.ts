import { z } from "zod";
import { IsoDate } from "../period.ts";
import { GROUP_BY } from "./estimate-clv.queries.ts";

export const EstimateClvInput = z
  .object({
    end: IsoDate.optional().describe(
      "Observation end (calibration cut-off), inclusive, YYYY-MM-DD: orders up to this day are the history. Default: yesterday.",
    ),
    model: z
      .enum(["bg_nbd", "pareto_nbd"])
      .default("bg_nbd")
      .describe("Repeat-purchase model: bg_nbd (BG/NBD, default, fast) or pareto_nbd (Pareto/NBD)."),
    time_unit: z
      .enum(["day", "week"])
      .default("week")
      .describe("Time unit the model is fitted in (parameters are per unit); week (default) or day."),
    horizon_weeks: z
      .number()
      .positive()
      .max(520)
      .default(52)
      .describe("Forecast horizon for predicted purchases and CLV, in weeks (default 52)."),
    monthly_discount_rate: z
      .number()
      .min(0)
      .max(1)
      .default(0.01)
      .describe("Discount rate per month applied to future cash flows (default 0.01, about 12.7% a year)."),
    group_by: z
      .enum(GROUP_BY)
      .default("none")
      .describe(
        "Report averages per group: none, acquisition_channel (adds CAC and CLV:CAC), value_tier (trailing-12-month revenue tier), region.",
      ),
    top_customers: z
      .number()
      .int()
      .min(0)
      .max(100)
      .default(10)
      .describe("Also list this many customers with the highest predicted CLV (0-100, default 10)."),
  })
  .strict();

export type EstimateClvInput = z.output<typeof EstimateClvInput>;
