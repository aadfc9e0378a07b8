// orders: one row per order, keyed by order id; the customer must already exist.
import { defineImporter, type Prepared } from "../entity.ts";
import { field, rowSchema } from "../fields.ts";
import { percentOf } from "../values.ts";
import { lookupCustomers, unknownCustomer } from "./shared.ts";

const CURRENCY_WORDS: Record<string, string> = { RMB: "CNY", 元: "CNY", "¥": "CNY", "￥": "CNY", $: "USD" };

const fields = {
  external_id: field.id({
    required: true,
    aliases: ["order id", "order number", "order no", "order", "id", "订单号", "订单编号", "订单ID"],
    description: "The order's id in the shop or ERP; re-importing the same id updates the order.",
  }),
  customer: field.customer({
    required: true,
    aliases: [
      "customer id",
      "customer external id",
      "customer",
      "buyer id",
      "member id",
      "user id",
      "client id",
      "客户编号",
      "客户ID",
      "会员编号",
      "会员ID",
      "用户ID",
      "买家ID",
    ],
    description: "The customer's external id (as in the customers file); unknown customers are an error.",
  }),
  ordered_at: field.timestamp({
    required: true,
    aliases: [
      "order date",
      "order time",
      "ordered",
      "created at",
      "created",
      "purchase date",
      "paid at",
      "date",
      "time",
      "下单时间",
      "订单时间",
      "支付时间",
      "付款时间",
      "创建时间",
      "日期",
      "时间",
    ],
    description: "When the order was placed; without an offset it is read in the configured time zone.",
  }),
  amount: field.money({
    required: true,
    aliases: [
      "order amount",
      "total",
      "order total",
      "grand total",
      "revenue",
      "value",
      "sales",
      "paid",
      "gmv",
      "金额",
      "订单金额",
      "实付金额",
      "支付金额",
      "实收金额",
      "销售额",
    ],
    description: "Amount paid, >= 0; thousands separators and currency marks (¥ $ € £, CNY ...) are accepted.",
  }),
  discount: field.moneyOrPercent({
    required: false,
    aliases: ["discount amount", "discounts", "coupon", "优惠", "优惠金额", "折扣", "折扣金额"],
    description: "Discount given, as an amount or a percentage of the amount (10%); blank means 0.",
  }),
  margin: field.custom(
    "money",
    marginParse,
  )({
    required: false,
    aliases: ["gross margin", "profit", "gross profit", "毛利", "毛利润", "利润"],
    description: "Gross margin when the source knows it, as an amount (may be negative) or a percentage of the amount.",
  }),
  currency: field.custom(
    "text",
    currencyParse,
  )({
    required: false,
    aliases: ["currency code", "币种", "货币"],
    description: "ISO 4217 code (CNY, USD ...); else the amount's currency mark; else the import's default (CNY).",
  }),
  sales_channel: field.enumeration(["online", "store", "app", "marketplace"], {
    web: "online",
    website: "online",
    ecommerce: "online",
    "e-commerce": "online",
    shop: "online",
    offline: "store",
    "in store": "store",
    retail: "store",
    pos: "store",
    "mobile app": "app",
    "mini program": "app",
    miniprogram: "app",
    tmall: "marketplace",
    jd: "marketplace",
    amazon: "marketplace",
    线上: "online",
    官网: "online",
    网店: "online",
    门店: "store",
    线下: "store",
    应用: "app",
    小程序: "app",
    电商平台: "marketplace",
    平台: "marketplace",
    天猫: "marketplace",
    京东: "marketplace",
  })({
    required: false,
    aliases: ["sales channel", "order channel", "store type", "销售渠道", "下单渠道"],
    description: "online, store, app or marketplace (also web, offline, 门店, 小程序, 天猫 ...); blank means online.",
  }),
};

import type { MoneyOrPercent } from "../fields.ts";
import { type Parsed, parseNumber } from "../values.ts";

function marginParse(text: string): Parsed<MoneyOrPercent> {
  const parsed = parseNumber(text);
  if (!parsed.ok) return parsed;
  const { value, currency, percent } = parsed.value;
  if ((value.replace("-", "").split(".")[0] ?? "").length > 12) return { ok: false, error: "too large" };
  return { ok: true, value: { amount: value, currency, percent } };
}

function currencyParse(text: string): Parsed<string> {
  const upper = text.trim().toUpperCase();
  const code = CURRENCY_WORDS[upper] ?? upper;
  return /^[A-Z]{3}$/.test(code)
    ? { ok: true, value: code }
    : { ok: false, error: "expected a 3-letter currency code" };
}

/** Imports orders; upserts on external_id. */
export const ordersImporter = defineImporter({
  entity: "orders",
  description: "Orders (real sales) from a shop, ERP or CRM export; each names its customer by external id.",
  fields,
  needsChannels: () => false,
  keyDescription: "order id (external_id)",
  duplicates: "error",
  target: {
    table: "orders",
    conflict: ["external_id"],
    columns: [
      { name: "external_id", type: "text" },
      { name: "customer_id", type: "bigint" },
      { name: "ordered_at", type: "timestamptz" },
      { name: "amount", type: "numeric" },
      { name: "discount_amount", type: "numeric", fields: ["discount"] },
      { name: "margin", type: "numeric", fields: ["margin"] },
      { name: "currency", type: "text" },
      { name: "sales_channel", type: "text", fields: ["sales_channel"] },
    ],
  },
  schema: (context) =>
    rowSchema(fields, context).superRefine((row, ctx) => {
      const marked = [row.amount.currency, row.discount?.currency, row.margin?.currency].filter((c) => c !== null);
      const stated = row.currency ?? marked[0];
      if (marked.some((c) => c !== undefined && c !== stated)) {
        ctx.addIssue({
          code: "custom",
          path: ["amount"],
          message: `currency marks disagree (${[...new Set([row.currency, ...marked].filter(Boolean))].join(" vs ")})`,
        });
      }
    }),
  async prepare(rows, session) {
    const customers = await lookupCustomers(rows, (r) => r.customer, session);
    const out: Prepared = { records: [], problems: [] };
    for (const { line, value: row } of rows) {
      const customerId = customers.get(row.customer);
      if (customerId === undefined) {
        out.problems.push(unknownCustomer(line, "customer", row.customer));
        continue;
      }
      const amount = row.amount.amount;
      const ofAmount = (m: MoneyOrPercent | null) =>
        m === null ? null : m.percent ? percentOf(amount, m.amount) : m.amount;
      out.records.push({
        line,
        value: {
          external_id: row.external_id,
          customer_id: customerId,
          ordered_at: row.ordered_at,
          amount,
          discount_amount: ofAmount(row.discount) ?? "0",
          margin: ofAmount(row.margin),
          currency: row.currency ?? row.amount.currency ?? row.discount?.currency ?? session.currency,
          sales_channel: row.sales_channel ?? "online",
        },
      });
    }
    return out;
  },
});
