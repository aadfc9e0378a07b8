// orders: keyed by order id. Customers are named by id, or by e-mail / phone when the file carries customer columns
// (then unknown ones are created, see inline-customers.ts); line-item exports are grouped into orders (line-items.ts).
import { defineImporter } from "../entity.ts";
import { blankAllowed, field, rowSchema } from "../fields.ts";
import { INLINE_CUSTOMER_FIELDS } from "../inline-customers.ts";
import { isLineItemRow, LINE_ITEM_FIELDS } from "../line-items.ts";
import { finishOrders, prepareOrders } from "./order-groups.ts";

const CURRENCY_WORDS: Record<string, string> = { RMB: "CNY", 元: "CNY", "¥": "CNY", "￥": "CNY", $: "USD" };

const fields = {
  // Required columns whose cells line-item rows may leave empty: the row-level check is in the schema below.
  external_id: blankAllowed(
    field.id({
      required: true,
      aliases: ["order id", "order number", "order no", "order", "id", "订单号", "订单编号", "订单ID", "销售订单编号"],
      description:
        "The order's id in the shop or ERP; re-importing the same id updates the order. In a line-item export an empty id continues the order above.",
    }),
    { required: true },
  ),
  customer: field.customer({
    required: false,
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
    description:
      "The customer's external id. Unknown ids are an error, unless the file also has customer columns (name, e-mail, phone ...): then they are created.",
  }),
  ordered_at: blankAllowed(
    field.timestamp({
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
        "下单日期",
        "订单时间",
        "订单创建时间",
        "支付时间",
        "付款时间",
        "创建时间",
        "日期",
        "时间",
      ],
      description: "When the order was placed; without an offset it is read in the configured time zone.",
    }),
    { required: true },
  ),
  amount: blankAllowed(
    field.money({
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
        "订单实付金额",
        "销售订单金额",
      ],
      description:
        "Amount paid, >= 0; thousands separators and currency marks (¥ $ € £, CNY ...) are accepted. In a line-item export the order's rows repeat it or leave it empty.",
    }),
    { required: true },
  ),
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
    description:
      "ISO 4217 code (CNY, USD ...); else the amount's currency mark (¥ $ € £); else --currency; else BEACON_CURRENCY (CNY when unset).",
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
  ...LINE_ITEM_FIELDS,
  ...INLINE_CUSTOMER_FIELDS,
};

/** Columns every row must fill unless it is a product line of a line-item export. */
const ORDER_LEVEL = ["external_id", "ordered_at", "amount"] as const;

/** An order row as the schema reads it. */
export type OrderRow = RowOf<typeof fields>;

import type { MoneyOrPercent, RowOf } from "../fields.ts";
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
  description:
    "Orders (real sales) from a shop, ERP or CRM export (also line-item exports such as Shopify and 有赞), naming the customer by external id, e-mail or phone.",
  fields,
  requireOneOf: [["customer", "customer_email", "customer_phone", "customer_name"]],
  needsChannels: () => false,
  keyDescription: "order id (external_id)",
  duplicates: "error",
  target: {
    table: "orders",
    track: "id",
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
      if (!isLineItemRow(row)) {
        for (const name of ORDER_LEVEL) {
          if (row[name] === null) ctx.addIssue({ code: "custom", path: [name], message: "is required but empty" });
        }
      }
      const marked = [row.amount?.currency, row.discount?.currency, row.margin?.currency].filter((c) => c !== null);
      const stated = row.currency ?? marked[0];
      if (marked.some((c) => c !== undefined && c !== stated)) {
        ctx.addIssue({
          code: "custom",
          path: ["amount"],
          message: `currency marks disagree (${[...new Set([row.currency, ...marked].filter(Boolean))].join(" vs ")})`,
        });
      }
    }),
  prepare: prepareOrders,
  finish: finishOrders,
});
