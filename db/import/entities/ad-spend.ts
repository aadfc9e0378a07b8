// ad_spend: daily cost and delivery per campaign, as ad platforms export it; creates unknown campaigns.
import { defineImporter, type ImportSession, type Prepared } from "../entity.ts";
import { field, rowSchema } from "../fields.ts";
import type { CampaignRef } from "../references.ts";

const fields = {
  day: field.date({
    required: true,
    aliases: ["date", "reporting starts", "report date", "stat date", "日期", "时间", "统计日期"],
    description: "The day the numbers are for (a timestamp is cut to its date in the configured time zone).",
  }),
  campaign: field.campaign({
    required: false,
    aliases: ["campaign name", "campaign title", "推广计划", "广告计划", "计划名称", "广告系列", "计划", "活动名称"],
    description: "Campaign name (or external id). Unknown campaigns are created under the row's channel.",
  }),
  campaign_id: field.id({
    required: false,
    aliases: ["campaign external id", "推广计划ID", "广告计划ID", "计划ID", "广告系列ID"],
    description:
      "The platform's campaign id; used as the campaign's external id (else <channel_code>:<campaign name>).",
  }),
  channel: field.channel({
    required: true,
    aliases: ["channel code", "channel name", "platform", "source", "network", "渠道", "平台", "媒体"],
    description:
      "A channel code, name or platform from the channel catalogue (or --channel for a one-platform export).",
  }),
  spend: field.money({
    required: true,
    aliases: [
      "cost",
      "amount spent",
      "amount spent (cny)",
      "spent",
      "ad spend",
      "花费",
      "消耗",
      "消费",
      "费用",
      "成本",
      "总花费",
      "总消耗",
    ],
    description: "Cost that day, >= 0; the currency in a header such as 'Amount spent (CNY)' is informational.",
  }),
  impressions: field.count({
    required: false,
    aliases: ["impr", "impr.", "views", "展现", "展示", "曝光", "展现量", "展示数", "曝光量", "展示次数", "曝光次数"],
    description: "Impressions that day (blank means 0).",
  }),
  clicks: field.count({
    required: false,
    aliases: ["link clicks", "clicks (all)", "点击", "点击量", "点击数", "点击次数"],
    description: "Clicks that day (blank means 0).",
  }),
};

/** Campaigns this import created, with the earliest day seen (their start date). */
const created = new WeakMap<ImportSession, Map<number, { externalId: string; start: string }>>();

/** Imports daily ad spend; upserts on (campaign, day). */
export const adSpendImporter = defineImporter({
  entity: "ad_spend",
  description:
    "Daily spend, impressions and clicks per campaign, as Google Ads, Meta, Baidu, Ocean Engine ... export it.",
  fields,
  requireOneOf: [["campaign", "campaign_id"]],
  channelField: "channel",
  needsChannels: () => true,
  keyDescription: "campaign and day",
  duplicates: "error",
  duplicateHint: " (one row per campaign and day: export at campaign level, not per ad or ad group)",
  target: {
    table: "ad_spend_daily",
    conflict: ["campaign_id", "day"],
    columns: [
      { name: "campaign_id", type: "integer" },
      { name: "day", type: "date" },
      { name: "spend", type: "numeric" },
      { name: "impressions", type: "bigint", fields: ["impressions"] },
      { name: "clicks", type: "bigint", fields: ["clicks"] },
    ],
  },
  schema: (context) =>
    rowSchema(fields, context).superRefine((row, ctx) => {
      if (row.campaign === null && row.campaign_id === null) {
        ctx.addIssue({ code: "custom", path: ["campaign"], message: "names no campaign (name and id both empty)" });
      }
    }),
  async begin(session) {
    await session.refs.loadCampaigns();
    created.set(session, new Map());
  },
  async prepare(rows, session) {
    const out: Prepared = { records: [], problems: [] };
    const createdHere = created.get(session) ?? new Map();
    for (const { line, value: row } of rows) {
      const channel = session.refs.channel(row.channel);
      if (!channel.ok) {
        out.problems.push({ line, field: "channel", reason: channel.error });
        continue;
      }
      const found = findCampaign(session, row.campaign_id, row.campaign, channel.value.id);
      if (!found.ok) {
        out.problems.push({ line, field: found.field, reason: found.error });
        continue;
      }
      let campaign: CampaignRef | null = found.value;
      if (campaign === null) {
        const name = row.campaign ?? row.campaign_id ?? "";
        const externalId = row.campaign_id ?? `${channel.value.code}:${name}`;
        campaign = await session.refs.createCampaign(externalId, name, channel.value.id, row.day);
        createdHere.set(campaign.id, { externalId, start: row.day });
      }
      const mine = createdHere.get(campaign.id);
      if (mine && row.day < mine.start) mine.start = row.day;
      out.records.push({
        line,
        value: {
          campaign_id: campaign.id,
          day: row.day,
          spend: row.spend.amount,
          impressions: row.impressions ?? 0,
          clicks: row.clicks ?? 0,
        },
      });
    }
    return out;
  },
  async finish(session) {
    const mine = created.get(session);
    if (!mine || mine.size === 0) return undefined;
    // A campaign created from its first row starts on the earliest day the file has for it.
    await session.client.query(
      `UPDATE campaigns c SET start_date = v.start
       FROM unnest($1::int[], $2::date[]) AS v(id, start) WHERE c.id = v.id AND v.start < c.start_date`,
      [[...mine.keys()], [...mine.values()].map((m) => m.start)],
    );
    const ids = [...mine.values()].map((m) => m.externalId);
    session.note(
      `created ${ids.length} campaign${ids.length === 1 ? "" : "s"}: ${ids.slice(0, 10).join(", ")}${ids.length > 10 ? ", ..." : ""}`,
    );
    return undefined;
  },
});

type Found = { ok: true; value: CampaignRef | null } | { ok: false; field: string; error: string };

/** By id when the file has one; else by name (or id) on the row's channel, or the id a created campaign got. */
function findCampaign(session: ImportSession, id: string | null, name: string | null, channelId: number): Found {
  let campaign: CampaignRef | null | undefined;
  if (id !== null) campaign = session.refs.campaignById(id) ?? null;
  else if (name !== null) {
    const byName = session.refs.campaign(name, channelId);
    if (!byName.ok) return { ok: false, field: "campaign", error: byName.error };
    campaign = byName.value;
    if (campaign === null) {
      const code = session.refs.channelCode(channelId);
      campaign = session.refs.campaignById(`${code}:${name}`) ?? null;
    }
  }
  if (campaign && campaign.channelId !== channelId) {
    const field = id !== null ? "campaign_id" : "campaign";
    const owner = session.refs.channelCode(campaign.channelId);
    return {
      ok: false,
      field,
      error: `campaign "${campaign.externalId}" belongs to channel ${owner}, not ${session.refs.channelCode(channelId)}`,
    };
  }
  return { ok: true, value: campaign ?? null };
}
