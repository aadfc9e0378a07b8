// The SQL that builds journeys is checked against a plain re-implementation of its definition in TypeScript.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, withTransaction } from "../../../db/pool.ts";
import { generateDemo } from "../../../derived/demo.ts";
import {
  fetchJourneys,
  fetchTimeDecayCredits,
  type JourneyFilter,
} from "../../../tools/attribution/attribution.queries.ts";
import { timeDecay } from "../../../tools/attribution/heuristics.model.ts";
import type { Journey } from "../../../tools/attribution/index.model.ts";
import { testEngines } from "../../helpers/databases.ts";

const FILTER: JourneyFilter = {
  start: "2026-06-01",
  end: "2026-10-31",
  timezone: "Asia/Shanghai",
  lookbackDays: 30,
  firstOrdersOnly: false,
  region: null,
  acquisitionChannelId: null,
  granularity: "channel",
};
const DAY = 86_400_000;

interface Touch {
  customer: number;
  at: number;
  id: number;
  code: string;
}
interface Order {
  customer: number;
  at: number;
  id: number;
  amount: number;
}

/** The journey definition, written the obvious way over all rows. */
function naiveJourneys(orders: Order[], touches: Touch[], start: number, end: number) {
  const byCustomer = new Map<number, { orders: Order[]; touches: Touch[] }>();
  const entry = (c: number) => {
    const found = byCustomer.get(c) ?? { orders: [], touches: [] };
    byCustomer.set(c, found);
    return found;
  };
  for (const o of orders) if (o.at < end) entry(o.customer).orders.push(o);
  for (const t of touches) entry(t.customer).touches.push(t);
  const converting: { path: string[]; ages: number[]; amount: number }[] = [];
  const nullPaths: string[][] = [];
  let withoutTouch = 0;
  for (const { orders: os, touches: ts } of byCustomer.values()) {
    os.sort((a, b) => a.at - b.at || a.id - b.id);
    ts.sort((a, b) => a.at - b.at || a.id - b.id);
    os.forEach((o, i) => {
      if (o.at < start) return;
      const prev = i > 0 ? (os[i - 1] as Order).at : Number.NEGATIVE_INFINITY;
      const window = ts.filter((t) => t.at <= o.at && t.at > o.at - 30 * DAY && t.at > prev);
      if (window.length === 0) withoutTouch++;
      else
        converting.push({
          path: window.map((t) => t.code),
          ages: window.map((t) => (o.at - t.at) / DAY),
          amount: o.amount,
        });
    });
    const last = os.length ? (os[os.length - 1] as Order).at : Number.NEGATIVE_INFINITY;
    const tail = ts.filter((t) => t.at >= start && t.at < end && t.at > last).map((t) => t.code);
    if (tail.length) nullPaths.push(tail);
  }
  return { converting, nullPaths, withoutTouch };
}

describe.each(testEngines())("journey SQL on $name", (engine) => {
  let db: Database;
  beforeAll(async () => {
    db = await engine.open();
    await generateDemo(db, { customers: 800, seed: 3, endDate: "2026-10-31" });
  });
  afterAll(async () => {
    await db?.close();
  });

  it("builds exactly the journeys the definition describes, in time order", async () => {
    const orders = (
      await db.pool.query<{ customer_id: number; ordered_at: Date; id: number; amount: number }>(
        "SELECT customer_id, ordered_at, id, amount FROM orders",
      )
    ).rows.map((r) => ({ customer: r.customer_id, at: r.ordered_at.getTime(), id: r.id, amount: r.amount }));
    const touches = (
      await db.pool.query<{ customer_id: number; occurred_at: Date; id: number; code: string }>(
        "SELECT t.customer_id, t.occurred_at, t.id, c.code FROM touchpoints t JOIN channels c ON c.id = t.channel_id",
      )
    ).rows.map((r) => ({ customer: r.customer_id, at: r.occurred_at.getTime(), id: r.id, code: r.code }));
    const start = Date.parse("2026-06-01T00:00:00+08:00");
    const end = Date.parse("2026-11-01T00:00:00+08:00");
    const expected = naiveJourneys(orders, touches, start, end);

    const actual = await withTransaction(db.pool, (client) => fetchJourneys(client, FILTER), { readOnly: true });
    const tally = (journeys: Journey[], field: "conversions" | "nulls") => {
      const m = new Map<string, number>();
      for (const j of journeys)
        if (j[field] > 0) m.set(j.channels.join(">"), (m.get(j.channels.join(">")) ?? 0) + j[field]);
      return m;
    };
    const expectedConverting = new Map<string, number>();
    for (const j of expected.converting)
      expectedConverting.set(j.path.join(">"), (expectedConverting.get(j.path.join(">")) ?? 0) + 1);
    const expectedNulls = new Map<string, number>();
    for (const p of expected.nullPaths) expectedNulls.set(p.join(">"), (expectedNulls.get(p.join(">")) ?? 0) + 1);

    expect(expected.converting.length).toBeGreaterThan(300);
    expect(tally(actual.journeys, "conversions")).toEqual(expectedConverting);
    expect(tally(actual.journeys, "nulls")).toEqual(expectedNulls);
    expect(actual.ordersWithoutTouch).toBe(expected.withoutTouch);
    expect(actual.orders).toBe(expected.converting.length + expected.withoutTouch);
    const revenue = actual.journeys.reduce((s, j) => s + j.value, 0);
    expect(revenue).toBeCloseTo(
      expected.converting.reduce((s, j) => s + j.amount, 0),
      4,
    );

    // Time decay in SQL equals the pure model fed with per-order touch ages.
    const sqlDecay = await withTransaction(db.pool, (client) => fetchTimeDecayCredits(client, FILTER, 7), {
      readOnly: true,
    });
    const pure = timeDecay(
      expected.converting.map((j) => ({
        channels: j.path,
        conversions: 1,
        value: j.amount,
        nulls: 0,
        ageDays: j.ages,
      })),
      { halfLifeDays: 7 },
    );
    for (const credit of pure.credits) {
      const row = sqlDecay.find((r) => r.channel === credit.channel);
      expect(row?.conversions ?? 0, credit.channel).toBeCloseTo(credit.conversions, 6);
      expect(row?.value ?? 0, credit.channel).toBeCloseTo(credit.value, 4);
    }
  });
});
