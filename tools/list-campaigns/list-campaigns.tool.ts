import { z } from "zod";
import { channelIdFor } from "../known-values.ts";
import { fetchPlatforms, fetchSpendFreshness } from "../list-channels/list-channels.queries.ts";
import { IsoDate, todayIn } from "../period.ts";
import { defineTool, ROLES, ToolInputError } from "../tool.ts";
import { fetchCampaigns } from "./list-campaigns.queries.ts";

export const ListCampaignsInput = z
  .object({
    channel: z.string().min(1).optional().describe("Only campaigns of this channel code (see list_channels)."),
    platform: z.string().min(1).optional().describe("Only campaigns on this platform, e.g. Douyin."),
    status: z
      .enum(["planned", "active", "ended"])
      .optional()
      .describe("planned: starts after today; ended: ended before today; active: otherwise (business time zone)."),
    active_from: IsoDate.optional().describe(
      "With active_to: only campaigns whose flight overlaps [active_from, active_to].",
    ),
    active_to: IsoDate.optional().describe("Last day of the overlap period (YYYY-MM-DD)."),
    search: z
      .string()
      .trim()
      .min(1)
      .optional()
      .describe("Only campaigns whose name contains this text or whose id equals it."),
    limit: z.number().int().min(1).max(200).default(50).describe("At most this many campaigns (1-200, default 50)."),
  })
  .strict();

const PACING =
  "pacing = spend_to_date / (budget x elapsed_days / flight_days); spend and elapsed days count up to yesterday or the flight " +
  "end, whichever is earlier. 1.0 = on plan, < 0.9 underspending, > 1.1 overspending. Null when the campaign has no end date " +
  "(budget_used = spend_to_date / budget is given instead), no budget, or has not started.";

function pacingLabel(pacing: number | null): string | null {
  if (pacing === null) return null;
  return pacing < 0.9 ? "underspending" : pacing > 1.1 ? "overspending" : "on_track";
}

const r4 = (x: number | null) => (x === null ? null : Math.round(x * 1e4) / 1e4);
const r2 = (x: number | null) => (x === null ? null : Math.round(x * 100) / 100);

/** Campaign directory with status and budget pacing. */
export const listCampaignsTool = defineTool({
  name: "list_campaigns",
  description:
    "Lists campaigns: external id (the id other tools accept), name, channel code, platform, objective, status (planned/active/" +
    "ended), flight dates, budget, spend to date and budget pacing. Filters: channel, platform, status, active in a period, name search.",
  input: ListCampaignsInput,
  roles: ROLES,
  access: "read",
  async run(input, context) {
    const today = todayIn(context);
    if (input.active_from && input.active_to && input.active_to < input.active_from) {
      throw new ToolInputError(
        `active_to (${input.active_to}) is before active_from (${input.active_from}); give active_to on or after active_from`,
      );
    }
    const channelId = input.channel === undefined ? null : await channelIdFor(context.db, "channel", input.channel);
    if (input.platform !== undefined) {
      const platforms = await fetchPlatforms(context.db);
      if (!platforms.some((p) => p.toLowerCase() === input.platform?.toLowerCase())) {
        throw new ToolInputError(`platform: unknown platform "${input.platform}"; known: ${platforms.join(", ")}`);
      }
    }
    const rows = await fetchCampaigns(context.db, {
      channelId,
      platform: input.platform ?? null,
      status: input.status ?? null,
      activeFrom: input.active_from ?? null,
      activeTo: input.active_to ?? null,
      search: input.search ?? null,
      today,
      limit: input.limit,
    });
    const total = rows[0]?.total ?? 0;
    const campaigns = rows.map(({ total: _total, ...r }) => ({
      ...r,
      spend_to_date: r2(r.spend_to_date),
      elapsed_share: r4(r.elapsed_share),
      expected_spend: r2(r.expected_spend),
      pacing: r4(r.pacing),
      pacing_label: pacingLabel(r.pacing),
      budget_used: r.budget ? r4(r.spend_to_date / r.budget) : null,
    }));
    const counts = { planned: 0, active: 0, ended: 0 };
    for (const c of campaigns) counts[c.status] += 1;
    const off = campaigns.filter(
      (c) => c.status === "active" && c.pacing_label !== null && c.pacing_label !== "on_track",
    );
    return {
      summary:
        `${total} campaign${total === 1 ? "" : "s"}${total > campaigns.length ? ` (showing ${campaigns.length})` : ""}: ` +
        `${counts.active} active, ${counts.planned} planned, ${counts.ended} ended as of ${today}` +
        (off.length > 0 ? `; off pace: ${off.map((c) => `${c.external_id} ${c.pacing_label}`).join(", ")}.` : "."),
      today,
      total,
      returned: campaigns.length,
      campaigns,
      definitions: {
        status: `Relative to today (${today}, ${context.timezone}): planned before start, ended after end, else active.`,
        pacing: PACING,
        currency: context.currency,
      },
      data_freshness: { last_spend_day: await fetchSpendFreshness(context.db) },
    };
  },
});
