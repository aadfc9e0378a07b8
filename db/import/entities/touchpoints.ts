// touchpoints: marketing touches, keyed by (customer, time, channel, type). The customer is named by id, or by e-mail /
// phone when the file carries customer columns (then unknown customers are created: inline-customers.ts).
import { defineImporter, type Prepared } from "../entity.ts";
import { field, rowSchema } from "../fields.ts";
import { INLINE_CUSTOMER_FIELDS_WITH_NAME, InlineCustomers, rowCustomers } from "../inline-customers.ts";
import { resolveChannel } from "./shared.ts";

const fields = {
  customer: field.customer({
    required: false,
    aliases: [
      "customer id",
      "customer external id",
      "user id",
      "member id",
      "client id",
      "客户编号",
      "客户ID",
      "会员ID",
      "用户ID",
    ],
    description:
      "The customer's external id. Unknown ids are an error, unless the file also has customer columns (name, e-mail, phone ...): then they are created.",
  }),
  occurred_at: field.timestamp({
    required: true,
    aliases: [
      "occurred",
      "timestamp",
      "time",
      "event time",
      "date",
      "datetime",
      "触达时间",
      "发生时间",
      "时间",
      "日期",
    ],
    description: "When the touch happened; without an offset it is read in the configured time zone.",
  }),
  channel: field.channel({
    required: true,
    aliases: ["channel code", "channel name", "source", "platform", "medium", "渠道", "平台", "来源", "媒体"],
    description: "A channel code, name or platform from the channel catalogue (or --channel for the whole file).",
  }),
  type: field.enumeration(["impression", "click", "visit", "email_open"], {
    view: "impression",
    impr: "impression",
    impressions: "impression",
    clicks: "click",
    tap: "click",
    session: "visit",
    pageview: "visit",
    "page view": "visit",
    visits: "visit",
    open: "email_open",
    opened: "email_open",
    "email open": "email_open",
    展现: "impression",
    曝光: "impression",
    展示: "impression",
    点击: "click",
    访问: "visit",
    到访: "visit",
    打开: "email_open",
    邮件打开: "email_open",
  })({
    required: true,
    aliases: ["touch type", "event", "event type", "interaction", "action", "类型", "事件", "行为"],
    description: "impression, click, visit or email_open (also view, session, open, 曝光, 点击, 访问 ...).",
  }),
  campaign: field.campaign({
    required: false,
    aliases: ["campaign id", "campaign name", "活动", "活动名称", "广告系列", "推广计划", "广告计划"],
    description: "A campaign external id or name; unknown campaigns are an error (ad_spend creates campaigns).",
  }),
  ...INLINE_CUSTOMER_FIELDS_WITH_NAME,
};

/** Imports touchpoints; identical touches (same key) in one file are stored once. */
export const touchpointsImporter = defineImporter({
  entity: "touchpoints",
  description:
    "Marketing touches (impressions, clicks, visits, email opens), naming the customer by external id, e-mail or phone.",
  fields,
  requireOneOf: [["customer", "customer_email", "customer_phone", "customer_name"]],
  channelField: "channel",
  needsChannels: () => true,
  keyDescription: "customer, time, channel and type",
  duplicates: "collapse",
  target: {
    table: "touchpoints",
    track: "customer_id",
    conflict: ["customer_id", "occurred_at", "channel_id", "type"],
    columns: [
      { name: "customer_id", type: "bigint" },
      { name: "occurred_at", type: "timestamptz" },
      { name: "channel_id", type: "integer" },
      { name: "type", type: "text" },
      { name: "campaign_id", type: "integer", fields: ["campaign"] },
    ],
  },
  schema: (context) => rowSchema(fields, context),
  async begin(session) {
    if (session.present.has("campaign")) await session.refs.loadCampaigns();
  },
  async prepare(rows, session) {
    const customers = await rowCustomers(rows, (r) => r.occurred_at, session, { required: true, unknown: "problem" });
    const out: Prepared = { records: [], problems: [...customers.problems] };
    const refused = new Set(customers.problems.map((p) => p.line));
    for (const { line, value: row } of rows) {
      const before = out.problems.length;
      const customerId = customers.ids.get(line);
      const channelId = resolveChannel(session, line, "channel", row.channel, out.problems);
      let campaignId: number | null = null;
      if (row.campaign !== null) {
        const campaign = session.refs.campaign(row.campaign, channelId ?? undefined);
        if (!campaign.ok) out.problems.push({ line, field: "campaign", reason: campaign.error });
        else if (campaign.value === null) {
          out.problems.push({ line, field: "campaign", reason: `unknown campaign "${row.campaign}"` });
        } else campaignId = campaign.value.id;
      }
      if (out.problems.length > before || refused.has(line)) continue;
      out.records.push({
        line,
        value: {
          customer_id: customerId ?? null,
          // One spelling per instant, so the in-file duplicate check sees equal keys as equal.
          occurred_at: row.occurred_at,
          channel_id: channelId,
          type: row.type,
          campaign_id: campaignId,
        },
      });
    }
    return out;
  },
  async finish(session) {
    const customers = InlineCustomers.of(session);
    await customers.settleSignupDates(session, "touchpoints", "occurred_at");
    customers.report(session);
    return undefined;
  },
});
