// targets: monthly targets (revenue, orders, spend, new customers), for the whole business or one channel, that
// forecast_metric paces against. Keyed by (month, metric, channel); re-importing a key updates the amount.
import { normaliseKey } from "../columns.ts";
import { defineImporter, type Prepared } from "../entity.ts";
import { field, rowSchema } from "../fields.ts";
import type { Parsed } from "../values.ts";

const METRICS = ["revenue", "orders", "spend", "new_customers"] as const;
const METRIC_WORDS: Record<string, (typeof METRICS)[number]> = {
  revenue: "revenue",
  sales: "revenue",
  gmv: "revenue",
  收入: "revenue",
  营收: "revenue",
  销售额: "revenue",
  orders: "orders",
  订单: "orders",
  订单数: "orders",
  spend: "spend",
  cost: "spend",
  budget: "spend",
  花费: "spend",
  消耗: "spend",
  newcustomers: "new_customers",
  newcustomer: "new_customers",
  signups: "new_customers",
  新客: "new_customers",
  新客数: "new_customers",
  新客户: "new_customers",
};

function parseMetric(text: string): Parsed<(typeof METRICS)[number]> {
  const hit = METRIC_WORDS[normaliseKey(text)];
  return hit ? { ok: true, value: hit } : { ok: false, error: `expected one of ${METRICS.join(", ")}` };
}

/** A month written 2026-11, 2026/11, 202611 or any day of it (2026-11-01): stored as its first day. */
function parseMonth(text: string): Parsed<string> {
  const m = text.trim().match(/^(\d{4})[-/.年]?(\d{1,2})(?:[-/.月]?(\d{1,2})?日?)?月?$/);
  const month = m ? Number(m[2]) : 0;
  if (!m || month < 1 || month > 12) return { ok: false, error: "expected a month such as 2026-11 (or a day of it)" };
  return { ok: true, value: `${m[1]}-${String(month).padStart(2, "0")}-01` };
}

function parseAmount(text: string): Parsed<string> {
  const cleaned = text.replace(/[,\s¥$]/g, "");
  const value = Number(cleaned);
  return /^\d+(\.\d{1,2})?$/.test(cleaned) && value > 0
    ? { ok: true, value: cleaned }
    : { ok: false, error: "expected a positive amount with at most 2 decimals (e.g. 30000000 or 1,250,000.50)" };
}

const fields = {
  month: field.custom(
    "date",
    parseMonth,
  )({
    required: true,
    aliases: ["period", "target month", "月份", "月"],
    description: "The month the target is for: 2026-11, 2026/11, 202611, 2026年11月 or any day of it.",
  }),
  metric: field.custom(
    "enum",
    parseMetric,
  )({
    required: true,
    aliases: ["kpi", "measure", "指标"],
    description: "revenue, orders, spend or new_customers (收入, 订单, 花费, 新客 are understood).",
  }),
  channel: field.channel({
    required: false,
    aliases: ["channel code", "渠道"],
    description: "A channel code, name or platform; blank for the whole business.",
  }),
  amount: field.custom(
    "decimal",
    parseAmount,
  )({
    required: true,
    aliases: ["target", "goal", "value", "目标", "目标值", "金额"],
    description: "The target for the month in the base currency (revenue, spend) or a count (orders, new customers).",
  }),
};

/** Imports monthly targets; upserts on (month, metric, channel). */
export const targetsImporter = defineImporter({
  entity: "targets",
  description: "Monthly revenue / orders / spend / new-customer targets, total or per channel (forecast pacing).",
  fields,
  needsChannels: () => false,
  keyDescription: "month, metric and channel",
  duplicates: "error",
  target: {
    table: "targets",
    conflict: ["month", "metric", "channel_code"],
    columns: [
      { name: "month", type: "date" },
      { name: "metric", type: "text" },
      { name: "channel_code", type: "text" },
      { name: "amount", type: "numeric" },
    ],
  },
  schema: (context) => rowSchema(fields, context),
  async begin(session) {
    await session.refs.loadChannels();
  },
  async prepare(rows, session) {
    const out: Prepared = { records: [], problems: [] };
    for (const { line, value: row } of rows) {
      let channelCode = "";
      if (row.channel !== null) {
        const channel = session.refs.channel(row.channel);
        if (!channel.ok) {
          out.problems.push({ line, field: "channel", reason: channel.error });
          continue;
        }
        channelCode = channel.value.code;
      }
      out.records.push({
        line,
        value: { month: row.month, metric: row.metric, channel_code: channelCode, amount: row.amount },
      });
    }
    return out;
  },
});
