// How order rows become order records: one row per order, or (line-item exports) the rows of one order folded into
// one record whose order-level values come from the first row that has them; then the customers they name are
// found or created for the whole batch at once.

import type { ImportSession, Located, Prepared, RowProblem } from "../entity.ts";
import { ImportValidationError } from "../errors.ts";
import type { Money, MoneyOrPercent } from "../fields.ts";
import { type CustomerKey, InlineCustomers, keyString, noCustomerProblem } from "../inline-customers.ts";
import { isLineItemExport, LineItemGrouper, type OrderGroup } from "../line-items.ts";
import type { ImportProblem } from "../types.ts";
import type { DbRecord } from "../upsert.ts";
import { compareDecimal, percentOf } from "../values.ts";
import type { OrderRow } from "./orders.ts";
import { unknownCustomer } from "./shared.ts";

/** What continuation rows in the next batch are checked against. */
interface OrderSummary {
  amount: string;
  amountLine: number;
  customer: string | null;
  customerLine: number;
}

/** One order folded from its rows, before its customer is resolved. */
interface Draft {
  key: string;
  line: number;
  rows: Located<OrderRow>[];
  orderedAt: string | null;
  amount: { money: Money; line: number } | null;
  first: Partial<Pick<OrderRow, "discount" | "margin" | "currency" | "sales_channel">>;
  customer: { key: CustomerKey; line: number } | null;
  problems: RowProblem[];
}

interface OrderState {
  customers: InlineCustomers;
  grouper: LineItemGrouper<OrderRow, OrderSummary> | null;
  orders: number;
  lines: number;
}

/** A draft with everything an order needs. */
interface Ready {
  draft: Draft;
  orderedAt: string;
  amount: Money;
  customer: { key: CustomerKey; line: number };
}

function complete(draft: Draft): Ready | null {
  const { orderedAt, amount, customer } = draft;
  return orderedAt && amount && customer ? { draft, orderedAt, amount: amount.money, customer } : null;
}

const STATES = new WeakMap<ImportSession, OrderState>();

function stateOf(session: ImportSession): OrderState {
  let state = STATES.get(session);
  if (!state) {
    state = {
      customers: InlineCustomers.of(session),
      grouper: isLineItemExport(session.present) ? new LineItemGrouper((row: OrderRow) => row.external_id) : null,
      orders: 0,
      lines: 0,
    };
    STATES.set(session, state);
  }
  return state;
}

/** prepare() of the orders importer. */
export async function prepareOrders(rows: Located<OrderRow>[], session: ImportSession): Promise<Prepared> {
  const state = stateOf(session);
  const out: Prepared = { records: [], problems: [] };
  const drafts = state.grouper
    ? groupLines(state, state.grouper, rows, out.problems)
    : rows.map((r) => single(state, r));
  const ready: Ready[] = [];
  for (const d of drafts) {
    out.problems.push(...d.problems);
    const r = complete(d);
    if (r && d.problems.length === 0) ready.push(r);
  }
  const customers = await state.customers.resolve(
    ready.flatMap((r) => r.draft.rows.map((row) => ({ key: r.customer.key, row: row.value, at: r.orderedAt }))),
    session,
  );
  for (const r of ready) {
    const k = keyString(r.customer.key);
    const id = customers.ids.get(k);
    if (id === undefined) {
      const refused = customers.refused.get(k);
      const { line, key } = r.customer;
      out.problems.push(
        refused
          ? { line, field: InlineCustomers.fieldOf(key.kind), reason: refused }
          : unknownCustomer(line, "customer", key.key),
      );
      continue;
    }
    out.records.push({ line: r.draft.line, value: record(r, id, session) });
  }
  return out;
}

/** finish() of the orders importer: an order left open at the end of the file, the notes. */
export async function finishOrders(session: ImportSession): Promise<undefined> {
  const state = stateOf(session);
  const open = state.grouper?.end();
  if (open) {
    const draft = fold(state, open);
    const problems: ImportProblem[] = draft.problems.map((p) => ({
      line: p.line,
      ...(p.field ? { column: session.head.of(p.field) ?? p.field } : {}),
      reason: p.reason,
    }));
    throw new ImportValidationError(session.file, problems);
  }
  if (state.grouper) {
    session.note(
      `line-item export: ${state.lines} rows grouped into ${state.orders} orders (each order's total taken once)`,
    );
  }
  await state.customers.settleSignupDates(session, "orders", "ordered_at");
  state.customers.report(session);
  return undefined;
}

/** A file with one row per order. */
function single(state: OrderState, row: Located<OrderRow>): Draft {
  return fold(state, { key: row.value.external_id ?? "", rows: [row] });
}

/** Groups a line-item batch into orders; holds back a last order that is not complete yet. */
function groupLines(
  state: OrderState,
  grouper: LineItemGrouper<OrderRow, OrderSummary>,
  rows: Located<OrderRow>[],
  problems: RowProblem[],
): Draft[] {
  const grouped = grouper.take(rows);
  for (const orphan of grouped.orphans) {
    problems.push({
      line: orphan.line,
      field: "external_id",
      reason: "is required but empty (a row with an empty order id continues the order above it, and there is none)",
    });
  }
  if (grouped.continued) {
    const { key, summary, rows: more } = grouped.continued;
    state.lines += more.length;
    for (const row of more) problems.push(...disagreements(state, key, summary, row));
  }
  const drafts = grouped.groups.map((g) => fold(state, g));
  const last = drafts[drafts.length - 1];
  const lastGroup = grouped.groups[grouped.groups.length - 1];
  if (last && lastGroup) {
    if (!last.amount || !last.orderedAt || !last.customer) {
      // Its total, date or customer may be on a row of the next batch.
      grouper.carry(lastGroup);
      drafts.pop();
    } else {
      grouper.remember(last.key, {
        amount: last.amount.money.amount,
        amountLine: last.amount.line,
        customer: keyString(last.customer.key),
        customerLine: last.customer.line,
      });
    }
  }
  for (const d of drafts) {
    state.orders++;
    state.lines += d.rows.length;
  }
  return drafts;
}

/** Folds the rows of one order: the first non-empty value of each column; totals and customers must agree. */
function fold(state: OrderState, group: OrderGroup<OrderRow>): Draft {
  const first = group.rows[0];
  const draft: Draft = {
    key: group.key,
    line: first?.line ?? 0,
    rows: group.rows,
    orderedAt: null,
    amount: null,
    first: {},
    customer: null,
    problems: [],
  };
  for (const { line, value: row } of group.rows) {
    draft.orderedAt ??= row.ordered_at;
    draft.first.discount ??= row.discount;
    draft.first.margin ??= row.margin;
    draft.first.currency ??= row.currency;
    draft.first.sales_channel ??= row.sales_channel;
    if (row.amount) {
      if (!draft.amount) draft.amount = { money: row.amount, line };
      else if (compareDecimal(row.amount.amount, draft.amount.money.amount) !== 0) {
        draft.problems.push(
          totalDisagrees(group.key, line, row.amount.amount, draft.amount.money.amount, draft.amount.line),
        );
      }
    }
    const key = state.customers.identify(row);
    if (key) {
      if (!draft.customer) draft.customer = { key, line };
      else if (keyString(key) !== keyString(draft.customer.key)) {
        draft.problems.push(customerDisagrees(group.key, line, key, draft.customer.line));
      }
    }
  }
  const several = group.rows.length > 1 ? ` on any row of order "${group.key}"` : "";
  if (!draft.amount)
    draft.problems.push({ line: draft.line, field: "amount", reason: `is required but empty${several}` });
  if (!draft.orderedAt) {
    draft.problems.push({ line: draft.line, field: "ordered_at", reason: `is required but empty${several}` });
  }
  if (!draft.customer) draft.problems.push(noCustomerProblem(state.customers, draft.line, several));
  return draft;
}

/** Problems of rows that continue an order written with the previous batch. */
function disagreements(state: OrderState, key: string, summary: OrderSummary, row: Located<OrderRow>): RowProblem[] {
  const out: RowProblem[] = [];
  const amount = row.value.amount?.amount;
  if (amount !== undefined && compareDecimal(amount, summary.amount) !== 0) {
    out.push(totalDisagrees(key, row.line, amount, summary.amount, summary.amountLine));
  }
  const customer = state.customers.identify(row.value);
  if (customer && summary.customer !== null && keyString(customer) !== summary.customer) {
    out.push(customerDisagrees(key, row.line, customer, summary.customerLine));
  }
  return out;
}

function totalDisagrees(order: string, line: number, here: string, first: string, firstLine: number): RowProblem {
  return {
    line,
    field: "amount",
    reason: `order "${order}" has total ${here} here but ${first} on line ${firstLine}; the rows of one order must repeat its total or leave it empty`,
  };
}

function customerDisagrees(order: string, line: number, key: CustomerKey, firstLine: number): RowProblem {
  return {
    line,
    field: InlineCustomers.fieldOf(key.kind),
    reason: `order "${order}" names customer "${key.key}" here but another customer on line ${firstLine}`,
  };
}

/** The orders row to write. */
function record(r: Ready, customerId: number, session: ImportSession): DbRecord {
  const { draft: d, amount: money } = r;
  const amount = money.amount;
  const ofAmount = (m: MoneyOrPercent | null | undefined) =>
    m === null || m === undefined ? null : m.percent ? percentOf(amount, m.amount) : m.amount;
  return {
    external_id: d.key,
    customer_id: customerId,
    ordered_at: r.orderedAt,
    amount,
    discount_amount: ofAmount(d.first.discount) ?? "0",
    margin: ofAmount(d.first.margin),
    currency: d.first.currency ?? money.currency ?? d.first.discount?.currency ?? session.currency,
    sales_channel: d.first.sales_channel ?? "online",
  };
}
