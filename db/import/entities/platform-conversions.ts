// platform_conversions: what each ad platform reports as its conversions (they over-claim; we keep them all).
import type { DefaultCurrency } from "../currency.ts";
import { defineImporter, type ImportSession, type Prepared } from "../entity.ts";
import { field, rowSchema } from "../fields.ts";
import { fileCurrency, inBase, readCurrency } from "../money-cells.ts";
import { parseDate } from "../values.ts";
import { lookupCustomers } from "./shared.ts";

const fields = {
  platform: field.channel({
    required: true,
    aliases: ["ad platform", "network", "source", "channel", "平台", "媒体", "渠道", "来源"],
    description: "The reporting platform, as the channel catalogue spells it (a channel code or name also works).",
  }),
  external_id: field.id({
    required: true,
    aliases: ["conversion id", "event id", "click id", "lead id", "id", "转化ID", "转化编号"],
    description: "The platform's own conversion id; re-importing the same (platform, id) updates it.",
  }),
  order_external_id: field.id({
    required: false,
    aliases: ["order id", "order number", "transaction id", "订单号", "订单编号", "订单ID"],
    description: "The order id when the platform passes it back (used for de-duplication).",
  }),
  customer: field.customer({
    required: false,
    aliases: ["customer id", "customer external id", "user id", "member id", "客户编号", "客户ID", "会员ID", "用户ID"],
    description: "Customer external id; blank or unknown ids are stored without a customer (counted in the notes).",
  }),
  campaign: field.campaign({
    required: false,
    aliases: ["campaign id", "campaign name", "广告系列", "推广计划", "广告计划", "计划名称"],
    description: "Campaign external id or name; unknown campaigns are stored as none (counted in the notes).",
  }),
  click_at: field.timestamp({
    required: false,
    aliases: ["click time", "click date", "clicked at", "点击时间"],
    description: "When the attributed click happened, if reported; must not be after the conversion.",
  }),
  converted_at: field.timestamp({
    required: true,
    aliases: [
      "conversion time",
      "conversion date",
      "converted",
      "time",
      "date",
      "timestamp",
      "转化时间",
      "时间",
      "日期",
    ],
    description: "When the platform says the conversion happened.",
  }),
  reported_value: field.money({
    required: false,
    aliases: ["conversion value", "value", "revenue", "conv. value", "转化价值", "转化金额", "金额"],
    description:
      "The value the platform reports, >= 0 (blank means 0); in another currency (a currency column, a mark, a header unit such as 'Conversion value (USD)', --currency) it is converted to BEACON_CURRENCY at the rate of the conversion's day.",
  }),
  currency: field.custom(
    "text",
    readCurrency,
  )({
    required: false,
    aliases: ["currency code", "货币", "币种"],
    description:
      "ISO 4217 code of the reported value (else a mark in the cell, the header's unit, --currency, BEACON_CURRENCY).",
  }),
};

/** The currency of reported values that name none, per import. */
const valueCurrencies = new WeakMap<ImportSession, DefaultCurrency>();

/** Imports platform-reported conversions; upserts on (platform, external_id). */
export const platformConversionsImporter = defineImporter({
  entity: "platform_conversions",
  description: "Conversions as each ad platform reports them (before de-duplication against real orders).",
  fields,
  channelField: "platform",
  needsChannels: () => true,
  keyDescription: "platform and conversion id",
  duplicates: "error",
  target: {
    table: "platform_conversions",
    conflict: ["platform", "external_id"],
    columns: [
      { name: "platform", type: "text" },
      { name: "external_id", type: "text" },
      { name: "order_external_id", type: "text", fields: ["order_external_id"] },
      { name: "customer_id", type: "bigint", fields: ["customer"] },
      { name: "campaign_id", type: "integer", fields: ["campaign"] },
      { name: "click_at", type: "timestamptz", fields: ["click_at"] },
      { name: "converted_at", type: "timestamptz" },
      { name: "reported_value", type: "numeric", fields: ["reported_value"] },
    ],
  },
  schema: (context) =>
    rowSchema(fields, context).superRefine((row, ctx) => {
      if (row.click_at !== null && row.click_at > row.converted_at) {
        ctx.addIssue({ code: "custom", path: ["click_at"], message: "is after the conversion time" });
      }
    }),
  async begin(session) {
    if (session.present.has("campaign")) await session.refs.loadCampaigns();
    valueCurrencies.set(session, fileCurrency(session, "reported_value"));
  },
  async prepare(rows, session) {
    const customers = await lookupCustomers(rows, (r) => r.customer, session);
    const out: Prepared = { records: [], problems: [] };
    const fallback = valueCurrencies.get(session) ?? { code: session.fx.base, why: "BEACON_CURRENCY" };
    for (const { line, value: row } of rows) {
      let value = "0";
      if (row.reported_value !== null) {
        const day = parseDate(row.converted_at, session.context);
        const inBaseValue = await inBase(session, fallback, row.currency, row.reported_value, day.ok ? day.value : "");
        if (!inBaseValue.ok) {
          if (inBaseValue.report) {
            out.problems.push({ line, field: inBaseValue.field ?? "reported_value", reason: inBaseValue.error });
          }
          continue;
        }
        value = inBaseValue.value.amount;
      }
      const platform = session.refs.platform(row.platform);
      if (!platform.ok) {
        out.problems.push({ line, field: "platform", reason: platform.error });
        continue;
      }
      const customerId = row.customer === null ? null : (customers.get(row.customer) ?? null);
      if (row.customer !== null && customerId === null) session.tally("unknown customer, stored without one");
      let campaignId: number | null = null;
      if (row.campaign !== null) {
        const campaign = session.refs.campaign(row.campaign);
        if (campaign.ok && campaign.value) campaignId = campaign.value.id;
        else session.tally("unknown or ambiguous campaign, stored without one");
      }
      out.records.push({
        line,
        value: {
          platform: platform.value,
          external_id: row.external_id,
          order_external_id: row.order_external_id,
          customer_id: customerId,
          campaign_id: campaignId,
          click_at: row.click_at,
          converted_at: row.converted_at,
          reported_value: value,
        },
      });
    }
    return out;
  },
  async finish(session) {
    for (const note of session.fx.notes("reported value")) session.note(note);
    return undefined;
  },
});
