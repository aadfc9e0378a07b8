// find_customers, get_customer_profile, list_channels and list_campaigns through the public tool interface on
// generated demo data, on every engine.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../../db/pool.ts";
import { generateDemo } from "../../../derived/demo.ts";
import { maskEmail, maskName, maskPhone } from "../../../tools/pii.ts";
import { invokeTool } from "../../../tools/run-tool.ts";
import type { Role } from "../../../tools/tool.ts";
import { testEngines } from "../../helpers/databases.ts";

const NOW = new Date("2026-11-01T04:00:00Z"); // noon on 2026-11-01 in Shanghai
const callers: Record<string, { userId: string; role: Role; canSeePii: boolean }> = {
  marketer: { userId: "U1", role: "marketer", canSeePii: false },
  support: { userId: "U2", role: "support", canSeePii: true },
};

interface Customer {
  id: number;
  external_id: string;
  name: string;
  email: string | null;
  phone: string | null;
  value_tier: string;
  revenue_12m: number;
  match: string;
}
// biome-ignore lint/suspicious/noExplicitAny: tool answers are checked field by field against SQL.
type Loose = any;
interface FindResult {
  total: number;
  returned: number;
  next_cursor: string | null;
  customers: Customer[];
}

describe("pii masking", () => {
  it("masks names, e-mails and phones as documented", () => {
    expect(maskName("李伟")).toBe("李•");
    expect(maskName("Li Wei")).toBe("L• W••");
    expect(maskEmail("li.wei@example.com")).toBe("l•••@example.com");
    expect(maskPhone("8613800138000")).toBe("86•••••••8000");
  });
});

describe.each(testEngines())("directory tools on $name", (engine) => {
  let db: Database;
  let liWeiZh: string;
  let liWeiEn: string;
  let newCustomerId: number;

  async function call(name: string, args: Record<string, unknown>, who = "marketer") {
    const caller = callers[who] ?? callers.marketer;
    if (!caller) throw new Error("no caller");
    return invokeTool(db, name, args, { caller, timezone: "Asia/Shanghai", currency: "CNY", now: NOW });
  }
  async function ok<T>(name: string, args: Record<string, unknown>, who = "marketer"): Promise<T> {
    const outcome = await call(name, args, who);
    if (!outcome.ok) throw new Error(outcome.error);
    return outcome.result as T;
  }
  async function error(name: string, args: Record<string, unknown>): Promise<string> {
    const outcome = await call(name, args);
    if (outcome.ok) throw new Error(`expected an error from ${name}`);
    return outcome.error;
  }
  const find = (args: Record<string, unknown>, who = "marketer") => ok<FindResult>("find_customers", args, who);

  beforeAll(async () => {
    db = await engine.open();
    await generateDemo(db, { customers: 2000, seed: 5, endDate: "2026-10-31" });
    const facts = await db.pool.query<{ value: { specialCustomers: { name: string; externalId: string }[] } }>(
      "SELECT value FROM dataset_facts WHERE key = 'demo'",
    );
    const special = facts.rows[0]?.value.specialCustomers ?? [];
    liWeiZh = special.find((s) => s.name === "李伟")?.externalId ?? "";
    liWeiEn = special.find((s) => s.name === "Li Wei")?.externalId ?? "";
    // A customer with no orders, touches, NPS or tickets, and a known phone.
    const inserted = await db.pool.query<{ id: number }>(
      `INSERT INTO customers (external_id, name, email, phone, country, region, city, signup_date)
       VALUES ('CUS-TEST-001', '张三丰', 'Zhang.SanFeng@Example.com', '8613800138000', 'China', 'East China', 'Shanghai', '2026-10-30')
       RETURNING id`,
    );
    newCustomerId = inserted.rows[0]?.id ?? 0;
    // A planned and a running campaign with a flight end, to check status and pacing across today.
    await db.pool.query(
      `INSERT INTO campaigns (external_id, channel_id, name, objective, start_date, end_date, budget)
       SELECT 'CMP-TEST-PLAN', id, 'Test planned flight', 'awareness', '2026-12-01'::date, '2026-12-31'::date, 1000 FROM channels WHERE code = 'douyin_ads'
       UNION ALL
       SELECT 'CMP-TEST-RUN', id, 'Test running flight', 'conversion', '2026-10-22'::date, '2026-11-10'::date, 2000 FROM channels WHERE code = 'douyin_ads'`,
    );
    await db.pool.query(
      `INSERT INTO ad_spend_daily (campaign_id, day, spend)
       SELECT c.id, d::date, 50 FROM campaigns c, generate_series('2026-10-22'::date, '2026-11-01'::date, '1 day') d
       WHERE c.external_id = 'CMP-TEST-RUN'`,
    );
  }, 240_000);
  afterAll(async () => {
    await db?.close();
  });

  it("finds 李伟 and Li Wei by exact, case-insensitive and full-width names", async () => {
    expect(liWeiZh).toMatch(/^CUS-/);
    const zh = await find({ query: "李伟", limit: 50 }, "support");
    expect(zh.customers[0]?.match).toBe("name exact");
    expect(zh.customers.map((c) => c.external_id)).toContain(liWeiZh);
    for (const c of zh.customers.filter((r) => r.match === "name exact")) expect(c.name).toBe("李伟");
    for (const c of zh.customers.filter((r) => r.match === "name partial"))
      expect(c.name.startsWith("李伟")).toBe(true);
    for (const query of ["li wei", "LI WEI", "Ｌｉ　Ｗｅｉ"]) {
      const en = await find({ query, limit: 50 }, "support");
      const hit = en.customers.find((c) => c.external_id === liWeiEn);
      expect(hit?.match, query).toBe("name exact");
      expect(en.customers[0]?.match).toBe("name exact");
    }
  });

  it("finds partial and misspelt names, ranked exact > partial > similar", async () => {
    const partial = await find({ query: "Li We", limit: 50 }, "support");
    expect(partial.customers.find((c) => c.external_id === liWeiEn)?.match).toBe("name partial");
    const typo = await find({ query: "Li Weii", limit: 50 }, "support");
    expect(typo.customers.find((c) => c.external_id === liWeiEn)?.match).toBe("name similar");
    const ranks = ["external id exact", "email exact", "phone exact", "name exact", "name partial", "name similar"];
    const order = typo.customers.map((c) => ranks.indexOf(c.match));
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it("finds by phone in any format, e-mail and external id", async () => {
    for (const query of ["+86 138 0013 8000", "138-0013-8000", "13800138000", "8613800138000"]) {
      const result = await find({ query }, "support");
      expect(result.total, query).toBe(1);
      expect(result.customers[0]?.match).toBe("phone exact");
      expect(result.customers[0]?.id).toBe(newCustomerId);
    }
    const email = await find({ query: "zhang.sanfeng@example.com" });
    expect(email.customers[0]).toMatchObject({ id: newCustomerId, match: "email exact" });
    const external = await find({ query: liWeiZh.toLowerCase() });
    expect(external.customers[0]).toMatchObject({ external_id: liWeiZh, match: "external id exact" });
  });

  it("masks contact details for the marketer and shows them to support", async () => {
    const marketer = await find({ query: "13800138000" });
    expect(marketer.customers[0]).toMatchObject({ name: "张••", email: "Z•••@Example.com", phone: "86•••••••8000" });
    const support = await find({ query: "13800138000" }, "support");
    expect(support.customers[0]).toMatchObject({
      name: "张三丰",
      email: "Zhang.SanFeng@Example.com",
      phone: "8613800138000",
    });
    const profile = await ok<{ identity: { name: string; phone: string }; summary: string }>("get_customer_profile", {
      customer: liWeiZh,
    });
    expect(profile.identity.name).toBe("李•");
    expect(profile.summary).not.toContain("李伟");
    const full = await ok<{ identity: { name: string } }>("get_customer_profile", { customer: liWeiZh }, "support");
    expect(full.identity.name).toBe("李伟");
  });

  it("pages concatenate to the full ordered list, and the same cursor gives the same page", async () => {
    const expected = await db.pool.query<{ id: number }>(
      "SELECT id FROM customers WHERE region = 'East China' AND signup_date >= '2026-03-01' ORDER BY id",
    );
    const args = { region: "East China", signup_from: "2026-03-01", limit: 7 };
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: FindResult = await find(cursor ? { ...args, cursor } : args);
      expect(page.total).toBe(expected.rows.length);
      expect(page.returned).toBeLessThanOrEqual(7);
      if (cursor) expect(await find({ ...args, cursor })).toEqual(page);
      seen.push(...page.customers.map((c) => c.id));
      cursor = page.next_cursor;
      pages += 1;
    } while (cursor !== null && pages < 500);
    expect(seen).toEqual(expected.rows.map((r) => r.id));

    // Ranked search: pages of 5 equal one page of 50.
    const all = await find({ query: "王", limit: 50 });
    const paged: number[] = [];
    let next: string | null = null;
    for (let i = 0; i < 10; i++) {
      const page: FindResult = await find(next ? { query: "王", limit: 5, cursor: next } : { query: "王", limit: 5 });
      paged.push(...page.customers.map((c) => c.id));
      next = page.next_cursor;
    }
    expect(paged).toEqual(all.customers.map((c) => c.id));
    expect(new Set(paged).size).toBe(paged.length);
  });

  it("states the value tier and agrees with a Pareto cut computed here", async () => {
    const revenue = await db.pool.query<{ id: number; revenue: number }>(
      `SELECT c.id, coalesce(sum(o.amount), 0)::float8 AS revenue FROM customers c
       LEFT JOIN orders o ON o.customer_id = c.id AND o.ordered_at >= '2025-11-01 00:00+08' AND o.ordered_at < '2026-11-01 00:00+08'
       GROUP BY c.id`,
    );
    const sorted = revenue.rows.filter((r) => r.revenue > 0).sort((a, b) => b.revenue - a.revenue);
    const total = sorted.reduce((s, r) => s + r.revenue, 0);
    let before = 0;
    let highMin = Number.POSITIVE_INFINITY;
    for (const r of sorted) {
      if (before < 0.8 * total) highMin = r.revenue;
      before += r.revenue;
    }
    const highs = revenue.rows.filter((r) => r.revenue > 0 && r.revenue >= highMin).length;
    const result = await find({ value_tier: "high", limit: 50 });
    expect(result.total).toBe(highs);
    for (const c of result.customers) expect(c.revenue_12m).toBeGreaterThanOrEqual(highMin);
  });

  it("gives specific errors for unknown ids, codes, bad cursors and reversed windows", async () => {
    expect(await error("get_customer_profile", { customer: "CUS-9" })).toBe(
      'customer: no customer with external id "CUS-9"; use find_customers to look the customer up',
    );
    expect(await error("get_customer_profile", { customer: 99_999_999 })).toContain(
      "customer: no customer with id 99999999",
    );
    expect(await error("find_customers", { acquisition_channel: "nope" })).toMatch(
      /acquisition_channel: .*known: .*douyin_ads/,
    );
    expect(await error("find_customers", { query: "x", cursor: "garbage" })).toMatch(
      /^cursor: not a cursor returned by find_customers/,
    );
    const page = await find({ query: "王", limit: 2 });
    expect(await error("find_customers", { query: "李", cursor: page.next_cursor })).toMatch(
      /^cursor: .*different search/,
    );
    expect(await error("find_customers", { signup_from: "2026-05-01", signup_to: "2026-04-01" })).toMatch(/^signup_to/);
    expect(await error("find_customers", { region: "Mars" })).toMatch(
      /^region: unknown region "Mars"; known: .*East China/,
    );
    expect(await error("list_campaigns", { channel: "nope" })).toMatch(
      /^channel: unknown channel code "nope"; known: /,
    );
    expect(await error("list_channels", { start: "2026-10-10", end: "2026-10-01" })).toMatch(/^end \(2026-10-01\)/);
    expect(await error("find_customers", { limit: 51 })).toMatch(/limit/);
  });

  it("builds a complete profile for a customer with no orders or tickets", async () => {
    const profile = await ok<Loose>("get_customer_profile", { customer: "cus-test-001" });
    expect(profile.ids).toMatchObject({ id: newCustomerId, external_id: "CUS-TEST-001" });
    expect(profile.orders).toMatchObject({ orders: 0, revenue: 0, aov: null, first_order_at: null });
    expect(profile.value).toMatchObject({ value_tier: "low" });
    expect(profile.rfm).toMatchObject({ segment: null, data_up_to: "2026-10-31" });
    expect(profile.rfm.note).toBe(
      "No orders from 2025-11-01 to 2026-10-31: RFM scores only customers who bought in the period.",
    );
    expect(profile.clv).toMatchObject({ predicted_clv: null, p_alive: null, data_up_to: "2026-10-31" });
    expect(profile.clv.note).toContain("No order up to 2026-10-31");
    expect(profile.touchpoints.by_channel).toEqual([]);
    expect(profile.tickets).toMatchObject({ open: 0, past: 0, rows: [] });
    expect(profile.nps.answers).toEqual([]);
    expect(profile.summary).toContain("no orders yet");
    for (const section of [
      "identity",
      "value",
      "rfm",
      "clv",
      "orders",
      "touchpoints",
      "platform_claims",
      "nps",
      "tickets",
    ]) {
      expect(profile[section], section).toHaveProperty("fresh_as_of");
    }
    expect(profile.orders.fresh_as_of).toMatch(/^2026-10-31/);
  });

  it("profiles a demo customer: orders, touches and tickets agree with SQL", async () => {
    const profile = await ok<Loose>("get_customer_profile", { customer: liWeiZh }, "support");
    const id = profile.ids.id as number;
    const orders = await db.pool.query<{ n: number; revenue: number }>(
      "SELECT count(*)::int AS n, coalesce(sum(amount), 0)::float8 AS revenue FROM orders WHERE customer_id = $1",
      [id],
    );
    expect(profile.orders.orders).toBe(orders.rows[0]?.n);
    expect(profile.orders.revenue).toBeCloseTo(orders.rows[0]?.revenue ?? -1, 2);
    const touches = await db.pool.query<{ code: string; n: number }>(
      `SELECT ch.code, count(*)::int AS n FROM touchpoints t JOIN channels ch ON ch.id = t.channel_id
       WHERE t.customer_id = $1 AND t.occurred_at > $2::timestamptz - interval '90 days' AND t.occurred_at <= $2 GROUP BY ch.code`,
      [id, NOW.toISOString()],
    );
    expect(Object.fromEntries(profile.touchpoints.by_channel.map((c: Loose) => [c.channel, c.touches]))).toEqual(
      Object.fromEntries(touches.rows.map((r) => [r.code, r.n])),
    );
    expect(profile.touchpoints.recent.length).toBeLessThanOrEqual(10);
    // The hand-placed 李伟 has the documented ad-promise complaint.
    expect(profile.tickets.rows.length).toBeGreaterThan(0);
    for (const t of profile.tickets.rows) expect([...t.body].length).toBeLessThanOrEqual(201);
    expect(profile.tickets.body_note).toContain("Customer-written");
  });

  it("lists channels with filters and spend equal to SQL", async () => {
    const mtd = await ok<Loose>("list_channels", {});
    expect(mtd.period).toMatchObject({ start: "2026-11-01", end: "2026-11-01" });
    const october = await ok<Loose>("list_channels", { start: "2026-10-01", end: "2026-10-31" });
    const spend = await db.pool.query<{ code: string; spend: number }>(
      `SELECT ch.code, coalesce(sum(s.spend), 0)::float8 AS spend FROM channels ch
       LEFT JOIN campaigns c ON c.channel_id = ch.id
       LEFT JOIN ad_spend_daily s ON s.campaign_id = c.id AND s.day BETWEEN '2026-10-01' AND '2026-10-31'
       GROUP BY ch.code`,
    );
    expect(october.channels).toHaveLength(spend.rows.length);
    for (const row of spend.rows) {
      expect(october.channels.find((c: Loose) => c.code === row.code)?.spend, row.code).toBeCloseTo(row.spend, 2);
    }
    const social = await ok<Loose>("list_channels", { type: "social" });
    expect(social.channels.length).toBeGreaterThan(0);
    for (const c of social.channels) expect(c.type).toBe("social");
    const douyin = await ok<Loose>("list_channels", { platform: "douyin" });
    expect(douyin.channels.map((c: Loose) => c.code)).toEqual(["douyin_ads"]);
    const search = await ok<Loose>("list_channels", { search: "google" });
    for (const c of search.channels) expect(`${c.name} ${c.code}`.toLowerCase()).toContain("google");
    expect(await error("list_channels", { platform: "Myspace" })).toMatch(
      /^platform: unknown platform "Myspace"; known: /,
    );
  });

  it("lists campaigns with status filters and pacing equal to SQL", async () => {
    const all = await ok<Loose>("list_campaigns", { limit: 200 });
    const expected = await db.pool.query<{ external_id: string; status: string; pacing: number | null }>(
      `SELECT c.external_id,
              CASE WHEN c.start_date > '2026-11-01' THEN 'planned' WHEN c.end_date < '2026-11-01' THEN 'ended' ELSE 'active' END AS status,
              CASE WHEN c.end_date IS NULL OR c.budget IS NULL OR c.start_date > '2026-10-31' THEN NULL ELSE
                (SELECT coalesce(sum(spend), 0) FROM ad_spend_daily s WHERE s.campaign_id = c.id AND s.day <= '2026-10-31')::float8
                / (c.budget::float8 * ((LEAST(c.end_date, '2026-10-31') - c.start_date + 1)::float8 / (c.end_date - c.start_date + 1)))
              END AS pacing
       FROM campaigns c`,
    );
    expect(all.total).toBe(expected.rows.length);
    for (const row of expected.rows) {
      const got = all.campaigns.find((c: Loose) => c.external_id === row.external_id);
      expect(got?.status, row.external_id).toBe(row.status);
      if (row.pacing === null) expect(got?.pacing).toBeNull();
      else expect(got?.pacing, row.external_id).toBeCloseTo(row.pacing, 3);
    }
    const running = all.campaigns.find((c: Loose) => c.external_id === "CMP-TEST-RUN");
    // 10 days of 50 before today out of a 20-day flight with budget 2000: 500 / (2000 x 10/20) = 0.5.
    expect(running).toMatchObject({ status: "active", spend_to_date: 500, elapsed_days: 10, flight_days: 20 });
    expect(running.pacing).toBeCloseTo(0.5, 6);
    expect(running.pacing_label).toBe("underspending");
    const planned = await ok<Loose>("list_campaigns", { status: "planned" });
    expect(planned.campaigns.map((c: Loose) => c.external_id)).toEqual(["CMP-TEST-PLAN"]);
    const douyin = await ok<Loose>("list_campaigns", { channel: "douyin_ads", limit: 200 });
    for (const c of douyin.campaigns) expect(c.channel).toBe("douyin_ads");
    const window = await ok<Loose>("list_campaigns", {
      active_from: "2026-11-05",
      active_to: "2026-11-06",
      limit: 200,
    });
    for (const c of window.campaigns) {
      expect(c.start_date <= "2026-11-06" && (c.end_date === null || c.end_date >= "2026-11-05")).toBe(true);
    }
    expect(window.campaigns.map((c: Loose) => c.external_id)).toContain("CMP-TEST-RUN");
  });
});
