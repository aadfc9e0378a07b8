// Line-item exports (Shopify orders, 有赞 / 微店 订单): one row per product, the rows of one order one after another.
// The order id is repeated on every row (有赞) or only on the first (Shopify's Id; its continuation rows repeat Name
// and leave the order-level cells empty). Rows are grouped into orders across batch boundaries.
import type { Located } from "./entity.ts";
import { field } from "./fields.ts";

/** Product columns: not stored, their presence makes a file a line-item export. */
export const LINE_ITEM_FIELDS = {
  line_item_name: field.text({
    required: false,
    aliases: [
      "lineitem name",
      "line item name",
      "item name",
      "product name",
      "product title",
      "商品名称",
      "商品标题",
      "宝贝标题",
      "宝贝名称",
      "产品名称",
    ],
    description:
      "A product line of the order (not stored). With any line-item column, consecutive rows of one order id are one order, and a row with an empty order id continues the order above it.",
  }),
  line_item_quantity: field.text({
    required: false,
    aliases: ["lineitem quantity", "line item quantity", "quantity", "qty", "商品数量", "数量", "购买数量"],
    description: "Quantity of the product line (not stored; marks a line-item export).",
  }),
  line_item_price: field.text({
    required: false,
    aliases: ["lineitem price", "line item price", "item price", "unit price", "商品单价", "单价", "商品价格"],
    description: "Unit price of the product line (not stored; marks a line-item export).",
  }),
  line_item_sku: field.text({
    required: false,
    aliases: ["lineitem sku", "line item sku", "sku", "商品编码", "商家编码", "sku编码", "规格编码"],
    description: "SKU of the product line (not stored; marks a line-item export).",
  }),
};

type LineCells = { [K in keyof typeof LINE_ITEM_FIELDS]?: string | null };

/** Whether the file has a product column, so its rows are grouped into orders. */
export function isLineItemExport(present: ReadonlySet<string>): boolean {
  return Object.keys(LINE_ITEM_FIELDS).some((f) => present.has(f));
}

/** Whether a row describes a product line (it may then leave order-level cells empty). */
export function isLineItemRow(row: LineCells): boolean {
  return Boolean(row.line_item_name || row.line_item_quantity || row.line_item_price || row.line_item_sku);
}

/** The rows of one order. */
export interface OrderGroup<R> {
  key: string;
  rows: Located<R>[];
}

/** One batch split into orders. */
export interface Grouped<R, S> {
  /** Rows at the start of the batch that continue the last order of the previous batch, with its summary. */
  continued: { summary: S; key: string; rows: Located<R>[] } | null;
  groups: OrderGroup<R>[];
  /** Rows with an empty order id and no order above them. */
  orphans: Located<R>[];
}

/**
 * Groups consecutive rows of one order: the same order id, or an empty id (a continuation row). An order that may
 * continue in the next batch is either emitted with a summary to check its continuation rows against (`remember`),
 * or held back whole (`carry`) until the next batch, or the end of the file (`end`).
 */
export class LineItemGrouper<R, S> {
  private carried: OrderGroup<R> | null = null;
  private last: { key: string; summary: S } | null = null;

  constructor(private readonly keyOf: (row: R) => string | null) {}

  /** Splits a batch (after any rows held back from the previous one) into orders. */
  take(rows: readonly Located<R>[]): Grouped<R, S> {
    const all = this.carried ? [...this.carried.rows, ...rows] : [...rows];
    this.carried = null;
    const out: Grouped<R, S> = { continued: null, groups: [], orphans: [] };
    let current: OrderGroup<R> | null = null;
    for (const row of all) {
      const key = this.keyOf(row.value);
      if (current && (key === null || key === current.key)) {
        current.rows.push(row);
        continue;
      }
      if (!current && this.last && (key === null || key === this.last.key)) {
        out.continued ??= { ...this.last, rows: [] };
        out.continued.rows.push(row);
        continue;
      }
      if (key === null) {
        out.orphans.push(row);
        continue;
      }
      current = { key, rows: [row] };
      out.groups.push(current);
    }
    return out;
  }

  /** The batch's last order is written: rows of the next batch that continue it are checked against `summary`. */
  remember(key: string, summary: S): void {
    this.last = { key, summary };
  }

  /** Holds the batch's last order back: it is grouped again with the next batch's rows. */
  carry(group: OrderGroup<R>): void {
    this.carried = group;
    this.last = null;
  }

  /** The order still held back when the file ends (it never became complete). */
  end(): OrderGroup<R> | null {
    const carried = this.carried;
    this.carried = null;
    return carried;
  }
}
