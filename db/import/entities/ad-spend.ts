// ad_spend: daily cost, delivery and the platform's claimed conversions per campaign, as ad platforms export it;
// creates unknown campaigns; amounts in another currency are converted to BEACON_CURRENCY.

import { normaliseKey } from "../columns.ts";
import type { DefaultCurrency } from "../currency.ts";
import { defineImporter, type ImportSession, type Prepared } from "../entity.ts";
import { field, rowSchema } from "../fields.ts";
import { fileCurrency, inBase, ownUnit, readCurrency } from "../money-cells.ts";
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
    description:
      "Cost that day, >= 0; stored in BEACON_CURRENCY: a currency in the header ('Amount spent (USD)', '花费(元)') or a currency column is converted with fx_rates or --fx-rate, or the file is refused.",
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
  conversions: field.decimal({
    required: false,
    // Earlier spellings win when a report has several: Google's "Conversions" over "All conv.", Meta's purchases over
    // "Results" (the result of each campaign's objective, which may be clicks or leads).
    aliases: [
      "conv.",
      "purchases",
      "website purchases",
      "results",
      "all conv.",
      "转化量",
      "转化数",
      "目标转化量",
      "目标转化数",
      "目标转化",
      "转化",
      "转化次数",
    ],
    description:
      "Conversions the platform claims for the campaign that day (may be fractional); stored as the platform's claim for reconcile_platform_conversions.",
  }),
  conversion_value: field.money({
    required: false,
    aliases: [
      "conv. value",
      "conversions value",
      "total conv. value",
      "purchases conversion value",
      "website purchases conversion value",
      "all conv. value",
      "转化价值",
      "转化金额",
    ],
    description:
      "The value the platform claims for those conversions, >= 0, in the report's currency (converted like spend).",
  }),
  currency: field.custom(
    "text",
    readCurrency,
  )({
    required: false,
    aliases: ["currency code", "货币", "币种"],
    description:
      "ISO 4217 code of the row's amounts; else a mark in the cell ($, ¥), the header's unit ('Amount spent (USD)', '花费(元)'), --currency, the platform's currency, BEACON_CURRENCY. Other currencies are converted (fx_rates or --fx-rate).",
  }),
  result_indicator: field.text({
    required: false,
    aliases: ["result type"],
    description:
      "Meta's 'Result indicator': when conversions come from 'Results', rows whose result is not a purchase, lead or other conversion (link clicks, reach ...) store no claim.",
  }),
  day_end: field.date({
    required: false,
    aliases: ["reporting ends", "end date", "结束日期"],
    description: "Meta's 'Reporting ends': must equal the day (one row per day; a longer range is refused).",
  }),
};

/** What one import keeps between batches: campaigns it created, and the currency of amounts that name none. */
interface AdSpendState {
  /** Campaigns this import created, with the earliest day seen (their start date). */
  created: Map<number, { externalId: string; start: string }>;
  /** The currency of spend cells that name none, and why. */
  spendCurrency: DefaultCurrency;
  /** The same for the conversion value column (its own header may name a unit). */
  valueCurrency: DefaultCurrency;
  /** Rows whose claims came from the report's conversion columns. */
  claimRows: number;
}

const states = new WeakMap<ImportSession, AdSpendState>();

/** Imports daily ad spend; upserts on (campaign, day). */
export const adSpendImporter = defineImporter({
  entity: "ad_spend",
  description:
    "Daily spend, impressions, clicks and the platform's claimed conversions per campaign, as Google Ads, Meta, Tencent Ads, Ocean Engine, Baidu ... export it.",
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
      { name: "claimed_conversions", type: "numeric", fields: ["conversions"] },
      { name: "claimed_value", type: "numeric", fields: ["conversion_value"] },
      { name: "original_currency", type: "text" },
      { name: "original_spend", type: "numeric" },
      { name: "fx_rate", type: "numeric" },
    ],
  },
  schema: (context) =>
    rowSchema(fields, context).superRefine((row, ctx) => {
      if (row.campaign === null && row.campaign_id === null) {
        ctx.addIssue({ code: "custom", path: ["campaign"], message: "names no campaign (name and id both empty)" });
      }
      if (row.day_end !== null && row.day_end !== row.day) {
        ctx.addIssue({
          code: "custom",
          path: ["day_end"],
          message: `the row covers ${row.day}..${row.day_end}, not one day: export one row per day (Meta: Breakdown > By time > Day)`,
        });
      }
    }),
  async begin(session) {
    await session.refs.loadCampaigns();
    const spendCurrency = fileCurrency(session, "spend");
    states.set(session, {
      created: new Map(),
      spendCurrency,
      // "Conv. value" names no unit: it is in the report's currency, as spend is.
      valueCurrency: ownUnit(session, "conversion_value") ?? spendCurrency,
      claimRows: 0,
    });
  },
  async prepare(rows, session) {
    const out: Prepared = { records: [], problems: [] };
    const state = states.get(session);
    if (!state) throw new Error("ad_spend: begin() did not run");
    for (const { line, value: row } of rows) {
      const channel = session.refs.channel(row.channel);
      if (!channel.ok) {
        out.problems.push({ line, field: "channel", reason: channel.error });
        continue;
      }
      const spend = await inBase(session, state.spendCurrency, row.currency, row.spend, row.day);
      const value =
        row.conversion_value &&
        (await inBase(session, state.valueCurrency, row.currency, row.conversion_value, row.day, false));
      const failed = [spend, value].find((m) => m && !m.ok);
      if (failed && !failed.ok) {
        if (failed.report) out.problems.push({ line, field: failed.field ?? "spend", reason: failed.error });
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
        state.created.set(campaign.id, { externalId, start: row.day });
      }
      const mine = state.created.get(campaign.id);
      if (mine && row.day < mine.start) mine.start = row.day;
      const claims = claimOf(session, row.conversions, row.result_indicator);
      if (claims !== null) state.claimRows++;
      const converted = spend.ok ? spend.value : { amount: row.spend.amount, currency: null, rate: null };
      out.records.push({
        line,
        value: {
          campaign_id: campaign.id,
          day: row.day,
          spend: converted.amount,
          impressions: row.impressions ?? 0,
          clicks: row.clicks ?? 0,
          // A blank cell in a conversions column is a claim of none; a file without the column writes nothing here.
          claimed_conversions: claims,
          claimed_value: value?.ok ? value.value.amount : "0",
          original_currency: converted.rate === null ? null : converted.currency,
          original_spend: converted.rate === null ? null : row.spend.amount,
          fx_rate: converted.rate,
        },
      });
    }
    return out;
  },
  async finish(session) {
    const state = states.get(session);
    if (!state) return undefined;
    noteMoney(session, state);
    const mine = state.created;
    if (mine.size === 0) return undefined;
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

/** Meta "Results" that count something other than conversions (its Result indicator says what). */
const NOT_A_CONVERSION = "results that are not conversions (Result indicator), stored without a claim";
const CONVERSION_RESULT = /purchase|conversion|lead|registration|subscribe|checkout|add_to_cart|app_install|submit/i;

/**
 * The row's claimed conversions: a blank cell in a conversions column is a claim of none; Meta's "Results" count
 * whatever each campaign optimises for, so a row whose Result indicator is not a conversion claims nothing (NULL).
 */
function claimOf(session: ImportSession, conversions: string | null, indicator: string | null): string | null {
  if (!session.present.has("conversions")) return null;
  const fromResults = normaliseKey(session.head.of("conversions") ?? "") === "results";
  if (fromResults && indicator !== null && !CONVERSION_RESULT.test(indicator)) {
    session.tally(NOT_A_CONVERSION);
    return null;
  }
  return conversions ?? "0";
}

/** Says in the report which currency the amounts were in, what they were converted at, and where claims came from. */
function noteMoney(session: ImportSession, state: AdSpendState): void {
  const { spendCurrency } = state;
  const base = session.fx.base;
  const column = session.present.has("currency") ? session.head.of("currency") : undefined;
  session.note(
    column !== undefined
      ? `amounts in the currency of each row's "${column}" (a blank one: ${spendCurrency.code}, ${spendCurrency.why}), stored in ${base} (BEACON_CURRENCY)`
      : spendCurrency.code === base
        ? `amounts in ${base} (${spendCurrency.why}), stored as they are`
        : `amounts in ${spendCurrency.code} (${spendCurrency.why}), stored in ${base} (BEACON_CURRENCY)`,
  );
  for (const note of session.fx.notes("spend and claimed value")) session.note(note);
  if (session.present.has("conversions") || session.present.has("conversion_value")) {
    const columns = ["conversions", "conversion_value"]
      .map((f) => session.head.of(f))
      .filter((h) => h !== undefined)
      .map((h) => `"${h}"`)
      .join(" and ");
    session.note(
      `claimed conversions: ${columns} of ${state.claimRows} row(s) stored as the platform's own claims (reconcile_platform_conversions uses them where no per-conversion log exists)`,
    );
  }
}

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
