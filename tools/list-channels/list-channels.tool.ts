import { z } from "zod";
import { CHANNEL_TYPES } from "../../db/channels.ts";
import { formatMoney } from "../number-format.ts";
import { IsoDate, todayIn } from "../period.ts";
import { defineTool, ROLES, ToolInputError } from "../tool.ts";
import { fetchChannelList, fetchPlatforms, fetchSpendFreshness } from "./list-channels.queries.ts";

// The catalogue's own list (the channels table's CHECK): one definition for the import, the CLI and this filter.
export { CHANNEL_TYPES };

export const ListChannelsInput = z
  .object({
    type: z.enum(CHANNEL_TYPES).optional().describe("Only channels of this type, e.g. social or short_video."),
    platform: z.string().min(1).optional().describe("Only channels on this platform (e.g. Douyin, Google Ads)."),
    search: z.string().trim().min(1).optional().describe("Only channels whose name or code contains this text."),
    start: IsoDate.optional().describe("First day of the spend period (YYYY-MM-DD); default: first day of this month."),
    end: IsoDate.optional().describe("Last day of the spend period (YYYY-MM-DD); default: today (month to date)."),
  })
  .strict();

/** The channel catalogue: codes other tools accept, with campaign counts and spend. */
export const listChannelsTool = defineTool({
  name: "list_channels",
  description:
    "Lists marketing channels: code (the id other tools accept), name, type, platform, paid flag, campaign counts and ad spend " +
    "in a period (default month to date). Filters: type, platform, name search.",
  input: ListChannelsInput,
  roles: ROLES,
  access: "read",
  async run(input, context) {
    const today = todayIn(context);
    const end = input.end ?? today;
    const start = input.start ?? `${end.slice(0, 8)}01`;
    if (end < start) {
      throw new ToolInputError(`end (${end}) is before start (${start}); give end on or after start`);
    }
    if (input.platform !== undefined) {
      const platforms = await fetchPlatforms(context.db);
      if (!platforms.some((p) => p.toLowerCase() === input.platform?.toLowerCase())) {
        throw new ToolInputError(`platform: unknown platform "${input.platform}"; known: ${platforms.join(", ")}`);
      }
    }
    const rows = await fetchChannelList(context.db, {
      type: input.type ?? null,
      platform: input.platform ?? null,
      search: input.search ?? null,
      start,
      end,
    });
    const spend = rows.reduce((s, r) => s + r.spend, 0);
    const fresh = await fetchSpendFreshness(context.db);
    const top = rows.find((r) => r.spend > 0);
    return {
      summary:
        `${rows.length} channel${rows.length === 1 ? "" : "s"}; ad spend ${start}..${end}: ` +
        formatMoney(spend, context.currency) +
        (top ? `, most on ${top.code}.` : "."),
      period: {
        start,
        end,
        timezone: context.timezone,
        default: input.start === undefined && input.end === undefined ? "month to date" : null,
      },
      total_spend: Math.round(spend * 100) / 100,
      channels: rows,
      definitions: {
        spend: `Sum of daily campaign spend (ad_spend_daily) in the period, ${context.currency}.`,
        campaigns_active_in_period: "Campaigns whose flight (start..end, open end = ongoing) overlaps the period.",
      },
      data_freshness: { last_spend_day: fresh },
    };
  },
});
