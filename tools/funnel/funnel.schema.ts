import { z } from "zod";
import { IsoDate } from "../period.ts";

export const FunnelInput = z
  .object({
    start: IsoDate.optional().describe("First day of the period, YYYY-MM-DD. Default: 27 days before end (4 weeks)."),
    end: IsoDate.optional().describe("Last day of the period, inclusive, YYYY-MM-DD. Default: yesterday."),
    group_by: z
      .enum(["channel", "total"])
      .default("channel")
      .describe("One funnel per channel (default; first orders by acquisition channel) or one for all channels."),
    channel: z.string().min(1).optional().describe("Only this channel code."),
    compare: z
      .enum(["previous_period", "none"])
      .default("previous_period")
      .describe("Compare each step's conversion with the period of the same length just before (default) or not."),
  })
  .strict();

export type FunnelInput = z.output<typeof FunnelInput>;
