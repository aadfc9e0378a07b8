import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { curveShape } from "../../db/demo/acquisition.ts";
import type { Database } from "../../db/pool.ts";
import { type DemoFacts, type DemoSummary, generateDemo } from "../../derived/demo.ts";
import { testEngines } from "../helpers/databases.ts";

const END = "2026-10-31";
const N = 2_000;
const BASE = { customers: N, seed: 42, endDate: END };

/** One md5 per table over every row in a stable order: equal fingerprints mean byte-identical data. */
async function fingerprint(db: Database): Promise<Record<string, string>> {
  const tables: [string, string][] = [
    ["channels", "id"],
    ["campaigns", "id"],
    ["ad_spend_daily", "campaign_id, day"],
    ["customers", "id"],
    ["orders", "id"],
    ["touchpoints", "id"],
    ["platform_conversions", "id"],
    ["nps_responses", "id"],
    ["feedback_tickets", "id"],
    ["ticket_history", "id"],
  ];
  const out: Record<string, string> = {};
  for (const [table, order] of tables) {
    const { rows } = await db.pool.query<{ h: string }>(
      `SELECT md5(coalesce(string_agg(x::text, '|' ORDER BY ${order}), '')) AS h FROM ${table} x`,
    );
    out[table] = rows[0]?.h as string;
  }
  return out;
}

/** Constraint and index definitions of the public schema (the bulk load must put back exactly these). */
async function schemaShape(db: Database): Promise<string[]> {
  const { rows } = await db.pool.query<{ d: string }>(`
    SELECT conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid) AS d
    FROM pg_constraint WHERE connamespace = 'public'::regnamespace
    UNION ALL
    SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
    WHERE c.relnamespace = 'public'::regnamespace
    ORDER BY 1`);
  return rows.map((r) => r.d);
}

async function facts(db: Database): Promise<DemoFacts> {
  const { rows } = await db.pool.query<{ value: DemoFacts }>("SELECT value FROM dataset_facts WHERE key = 'demo'");
  return rows[0]?.value as DemoFacts;
}

async function one<T>(db: Database, sql: string, params: unknown[] = []): Promise<T> {
  const { rows } = await db.pool.query(sql, params);
  return rows[0] as T;
}

describe.each(testEngines())("demo generator on $name", (engine) => {
  let db: Database;
  let summary: DemoSummary;
  let freshSchema: string[];

  beforeAll(async () => {
    db = await engine.open();
    freshSchema = await schemaShape(db);
    summary = await generateDemo(db, { ...BASE, batchSize: 700 });
  });
  afterAll(async () => {
    await db?.close();
  });

  it("writes the summarised row counts and restores every constraint and index", async () => {
    const counts = await one<Record<string, number>>(
      db,
      `SELECT (SELECT count(*) FROM customers)::int AS customers, (SELECT count(*) FROM orders)::int AS orders,
              (SELECT count(*) FROM touchpoints)::int AS touchpoints, (SELECT count(*) FROM ad_spend_daily)::int AS spend,
              (SELECT count(*) FROM platform_conversions)::int AS claims, (SELECT count(*) FROM nps_responses)::int AS nps,
              (SELECT count(*) FROM feedback_tickets)::int AS tickets, (SELECT count(*) FROM channels)::int AS channels,
              (SELECT count(*) FROM campaigns)::int AS campaigns`,
    );
    expect(counts).toEqual({
      customers: N,
      orders: summary.orders,
      touchpoints: summary.touchpoints,
      spend: summary.adSpendRows,
      claims: summary.platformConversions,
      nps: summary.npsResponses,
      tickets: summary.tickets,
      channels: summary.channels,
      campaigns: summary.campaigns,
    });
    expect(summary.orders).toBeGreaterThan(N);
    expect(summary.touchpoints).toBeGreaterThan(5 * N);
    expect(summary.rowsPerSecond).toBeGreaterThan(0);
    expect(await schemaShape(db)).toEqual(freshSchema);
  });

  it("covers every channel type and keeps references intact", async () => {
    const types = await db.pool.query<{ type: string }>("SELECT DISTINCT type FROM channels ORDER BY type");
    expect(types.rows.map((r) => r.type)).toEqual(
      [
        "affiliate",
        "direct",
        "display",
        "email",
        "kol",
        "offline",
        "organic",
        "search",
        "short_video",
        "social",
        "video",
      ].sort(),
    );
    const orphans = await one<Record<string, number>>(
      db,
      `SELECT
         (SELECT count(*) FROM touchpoints t JOIN campaigns c ON c.id = t.campaign_id WHERE c.channel_id <> t.channel_id)::int AS wrong_campaign,
         (SELECT count(*) FROM touchpoints t JOIN channels ch ON ch.id = t.channel_id WHERE ch.is_paid AND t.campaign_id IS NULL)::int AS paid_without_campaign,
         (SELECT count(*) FROM platform_conversions p LEFT JOIN orders o ON o.external_id = p.order_external_id
            WHERE p.order_external_id IS NOT NULL AND (o.id IS NULL OR o.customer_id <> p.customer_id))::int AS bad_order_ref,
         (SELECT count(*) FROM platform_conversions p JOIN campaigns c ON c.id = p.campaign_id JOIN channels ch ON ch.id = c.channel_id
            WHERE ch.platform <> p.platform)::int AS wrong_platform,
         (SELECT count(*) FROM ad_spend_daily s JOIN campaigns c ON c.id = s.campaign_id
            WHERE s.day < c.start_date OR s.day > coalesce(c.end_date, s.day))::int AS spend_outside_flight`,
    );
    expect(orphans).toEqual({
      wrong_campaign: 0,
      paid_without_campaign: 0,
      bad_order_ref: 0,
      wrong_platform: 0,
      spend_outside_flight: 0,
    });
  });

  it("concentrates revenue: the top 20% of customers bring 60-90%", async () => {
    const { share, buyerShare } = await one<{ share: number; buyerShare: number }>(
      db,
      `WITH r AS (SELECT c.id, coalesce(sum(o.amount), 0) AS rev FROM customers c LEFT JOIN orders o ON o.customer_id = c.id GROUP BY c.id),
            a AS (SELECT rev, row_number() OVER (ORDER BY rev DESC, id) AS rn, count(*) OVER () AS n FROM r),
            b AS (SELECT rev, row_number() OVER (ORDER BY rev DESC, id) AS rn, count(*) OVER () AS n FROM r WHERE rev > 0)
       SELECT (SELECT sum(rev) FILTER (WHERE rn <= n * 0.2) / sum(rev) FROM a)::float8 AS share,
              (SELECT sum(rev) FILTER (WHERE rn <= n * 0.2) / sum(rev) FROM b)::float8 AS "buyerShare"`,
    );
    expect(share).toBeGreaterThan(0.6);
    expect(share).toBeLessThan(0.9);
    expect(buyerShare).toBeGreaterThan(0.55);
    expect(buyerShare).toBeLessThan(0.9);
  });

  it("ends every first-order journey on the acquisition channel", async () => {
    const r = await one<{ buyers: number; mismatched: number }>(
      db,
      `WITH first AS (SELECT DISTINCT ON (customer_id) customer_id, ordered_at FROM orders ORDER BY customer_id, ordered_at),
            last AS (SELECT f.customer_id, (SELECT t.channel_id FROM touchpoints t WHERE t.customer_id = f.customer_id
                       AND t.occurred_at < f.ordered_at ORDER BY t.occurred_at DESC LIMIT 1) AS channel_id FROM first f)
       SELECT count(*)::int AS buyers,
              count(*) FILTER (WHERE l.channel_id IS DISTINCT FROM c.acquisition_channel_id)::int AS mismatched
       FROM last l JOIN customers c ON c.id = l.customer_id`,
    );
    expect(r.buyers / N).toBeGreaterThan(0.65);
    expect(r.mismatched).toBe(0);
  });

  it("lets several platforms claim one order, at their planted capture rates", async () => {
    const f = await facts(db);
    const { orders, claims, shared } = await one<{ orders: number; claims: number; shared: number }>(
      db,
      `SELECT (SELECT count(*) FROM orders)::int AS orders, (SELECT count(*) FROM platform_conversions)::int AS claims,
              (SELECT count(*) FROM (SELECT order_external_id FROM platform_conversions WHERE order_external_id IS NOT NULL
                 GROUP BY 1 HAVING count(DISTINCT platform) > 1) x)::int AS shared`,
    );
    expect(claims).toBeGreaterThan(orders);
    expect(shared).toBeGreaterThan(0);
    for (const rule of f.platformClaims) {
      const windows = rule.windows as Record<string, number>;
      // The documented rule, in SQL: a touch of a counted type on one of the platform's channels in its window.
      const conditions = Object.entries(windows).map(
        ([type, days]) =>
          `(t.type = '${type}' AND t.occurred_at >= o.ordered_at - make_interval(secs => ${days * 86_400}))`,
      );
      const counted = await one<{ eligible: number; claimed: number; biasOk: number; withOrder: number }>(
        db,
        `SELECT (SELECT count(*) FROM orders o WHERE EXISTS (
                   SELECT 1 FROM touchpoints t JOIN channels ch ON ch.id = t.channel_id
                   WHERE t.customer_id = o.customer_id AND ch.code = ANY($1) AND t.occurred_at < o.ordered_at
                     AND (${conditions.join(" OR ")})))::int AS eligible,
                (SELECT count(*) FROM platform_conversions WHERE platform = $2)::int AS claimed,
                (SELECT count(*) FROM platform_conversions p JOIN orders o ON o.external_id = p.order_external_id
                   WHERE p.platform = $2 AND abs(p.reported_value - round(o.amount * (1 + $3::numeric), 2)) <= 0.01)::int AS "biasOk",
                (SELECT count(*) FROM platform_conversions WHERE platform = $2 AND order_external_id IS NOT NULL)::int AS "withOrder"`,
        [rule.channels, rule.platform, rule.valueBias],
      );
      expect(counted.eligible, rule.platform).toBe(rule.eligibleOrders);
      expect(counted.claimed, rule.platform).toBe(rule.claims);
      const p = rule.captureRate;
      const sd = Math.sqrt(counted.eligible * p * (1 - p));
      expect(Math.abs(counted.claimed - p * counted.eligible), rule.platform).toBeLessThanOrEqual(4 * sd + 1);
      expect(counted.withOrder).toBe(rule.passesOrderId ? counted.claimed : 0);
      if (rule.passesOrderId) expect(counted.biasOk).toBe(counted.claimed);
    }
  });

  it("stores planted curves that reproduce the acquisitions actually generated", async () => {
    const f = await facts(db);
    expect(f.seed).toBe(42);
    expect(f.customers).toBe(N);
    expect(f.endDate).toBe(END);
    expect(f.repeatPurchase).toMatchObject({ model: "BG/NBD", r: expect.any(Number), alpha: expect.any(Number) });
    expect(f.acquisition.curves.length).toBeGreaterThanOrEqual(12);
    const weekly = await db.pool.query<{ code: string; spend: number }>(
      `SELECT ch.code, date_trunc('week', s.day)::date AS week, sum(s.spend)::float8 AS spend
       FROM ad_spend_daily s JOIN campaigns c ON c.id = s.campaign_id JOIN channels ch ON ch.id = c.channel_id
       GROUP BY 1, 2`,
    );
    const acquired = await db.pool.query<{ code: string; n: number }>(
      `SELECT ch.code, count(*)::int AS n FROM customers c JOIN channels ch ON ch.id = c.acquisition_channel_id GROUP BY 1`,
    );
    const observed = new Map(acquired.rows.map((r) => [r.code, r.n]));
    const days = (Date.parse(f.endDate) - Date.parse(f.startDate)) / 86_400_000 + 1;
    let expectedTotal = 0;
    for (const curve of f.acquisition.curves) {
      expect(curve.K).toBeGreaterThan(0);
      expect(curve.form === "exponential" ? curve.b : curve.halfSaturation).toBeGreaterThan(0);
      expect(curve.meanFirstOrderRevenue).toBeGreaterThan(0);
      const expected = weekly.rows
        .filter((r) => r.code === curve.channel)
        .reduce((s, r) => s + curve.K * curveShape(curve, r.spend), 0);
      expectedTotal += expected;
      const seen = observed.get(curve.channel) ?? 0;
      expect(seen).toBe(curve.acquired);
      expect(Math.abs(seen - expected), curve.channel).toBeLessThanOrEqual(5 * Math.sqrt(expected) + 2);
    }
    for (const b of f.acquisition.baseline) expectedTotal += b.perDay * days;
    expect(Math.abs(expectedTotal - N) / N).toBeLessThan(1e-4);
  });

  it("fills people, feedback and users the way the support examples need", async () => {
    const people = await one<Record<string, number>>(
      db,
      `SELECT count(*) FILTER (WHERE name = '李伟')::int AS li_wei_zh, count(*) FILTER (WHERE name = 'Li Wei')::int AS li_wei_en,
              avg((country = 'China')::int)::float8 AS china, avg(marketing_consent::int)::float8 AS consent,
              count(*) FILTER (WHERE email <> lower(email) OR phone !~ '^[0-9]{8,15}$')::int AS bad_contact,
              count(DISTINCT email)::int AS emails, count(email)::int AS with_email
       FROM customers`,
    );
    expect(people.li_wei_zh).toBeGreaterThanOrEqual(1);
    expect(people.li_wei_en).toBeGreaterThanOrEqual(1);
    expect(people.china).toBeGreaterThan(0.78);
    expect(people.china).toBeLessThan(0.92);
    expect(people.consent).toBeGreaterThan(0.64);
    expect(people.consent).toBeLessThan(0.76);
    expect(people.bad_contact).toBe(0);
    expect(people.emails).toBe(people.with_email);

    const tickets = await one<{ n: number; without_created: number; statuses: number; li_wei: string }>(
      db,
      `SELECT count(*)::int AS n,
              count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM ticket_history h WHERE h.ticket_id = t.id AND h.action = 'created'))::int AS without_created,
              count(DISTINCT status)::int AS statuses,
              (SELECT t2.body FROM feedback_tickets t2 JOIN customers c ON c.id = t2.customer_id WHERE c.name = 'Li Wei' LIMIT 1) AS li_wei
       FROM feedback_tickets t`,
    );
    expect(tickets.n).toBeGreaterThanOrEqual(30);
    expect(tickets.n).toBeLessThanOrEqual(60);
    expect(tickets.without_created).toBe(0);
    expect(tickets.statuses).toBeGreaterThanOrEqual(4);
    expect(tickets.li_wei).toMatch(/20% off but checkout showed 10%/);

    const nps = await one<{ rate: number; nps: number; high: number; low: number }>(
      db,
      `WITH v AS (SELECT c.id, coalesce(sum(o.amount), 0) AS rev FROM customers c LEFT JOIN orders o ON o.customer_id = c.id GROUP BY c.id)
       SELECT (count(*)::float8 / ${N}) AS rate,
              (100.0 * (count(*) FILTER (WHERE score >= 9) - count(*) FILTER (WHERE score <= 6)) / count(*))::float8 AS nps,
              avg(score) FILTER (WHERE v.rev >= 1500)::float8 AS high, avg(score) FILTER (WHERE v.rev < 400)::float8 AS low
       FROM nps_responses n JOIN v ON v.id = n.customer_id`,
    );
    expect(nps.rate).toBeGreaterThan(0.12);
    expect(nps.rate).toBeLessThan(0.18);
    expect(nps.nps).toBeGreaterThan(5);
    expect(nps.nps).toBeLessThan(45);
    expect(nps.high).toBeGreaterThan(nps.low);

    const users = await db.pool.query<{ role: string; can_see_pii: boolean }>(
      "SELECT role, bool_or(can_see_pii) AS can_see_pii FROM app_users GROUP BY role ORDER BY role",
    );
    expect(users.rows).toEqual([
      { role: "admin", can_see_pii: true },
      { role: "manager", can_see_pii: false },
      { role: "marketer", can_see_pii: false },
      { role: "support", can_see_pii: true },
    ]);
  });

  it("is deterministic: same seed gives identical data at any batch size, another seed differs", async () => {
    const before = await fingerprint(db);
    const factsBefore = await facts(db);
    await generateDemo(db, { ...BASE, batchSize: 2_500 });
    expect(await fingerprint(db)).toEqual(before);
    const factsAfter = await facts(db);
    expect({ ...factsAfter, generatedAt: null }).toEqual({ ...factsBefore, generatedAt: null });

    await generateDemo(db, { ...BASE, seed: 43 });
    const other = await fingerprint(db);
    expect(other.customers).not.toBe(before.customers);
    expect(other.touchpoints).not.toBe(before.touchpoints);
  });

  it("replaces the marketing data but keeps knowledge, audit, migrations and user roles", async () => {
    await db.pool.query("INSERT INTO kb_documents (path, title, content_hash) VALUES ('playbook.md', 'Playbook', 'h')");
    await db.pool.query(
      "INSERT INTO agent_runs (user_id, role, surface, question) VALUES ('U1', 'marketer', 'cli', 'q')",
    );
    await db.pool.query("INSERT INTO processed_events (event_id, source) VALUES ('Ev1', 'events_api')");
    await db.pool.query(
      "INSERT INTO app_users (slack_user_id, display_name, role) VALUES ('U0REAL', 'Real Person', 'manager')",
    );
    const migrations = await one<{ n: number }>(db, "SELECT count(*)::int AS n FROM schema_migrations");

    const smaller = await generateDemo(db, { ...BASE, customers: 1_200, seed: 5 });
    expect(smaller.customers).toBe(1_200);
    const kept = await one<Record<string, number>>(
      db,
      `SELECT (SELECT count(*) FROM customers)::int AS customers, (SELECT count(*) FROM kb_documents)::int AS kb,
              (SELECT count(*) FROM agent_runs)::int AS runs, (SELECT count(*) FROM processed_events)::int AS events,
              (SELECT count(*) FROM app_users WHERE slack_user_id = 'U0REAL')::int AS real_user,
              (SELECT count(*) FROM schema_migrations)::int AS migrations,
              (SELECT count(*) FROM orders)::int AS orders, (SELECT max(id) FROM orders)::int AS max_order`,
    );
    expect(kept).toMatchObject({ customers: 1_200, kb: 1, runs: 1, events: 1, real_user: 1, migrations: migrations.n });
    expect(kept.max_order).toBe(kept.orders);

    // Identity sequences continue after the generated ids.
    const inserted = await one<{ id: number }>(
      db,
      "INSERT INTO customers (external_id, name, signup_date) VALUES ('CUS-NEW', 'New', '2026-10-31') RETURNING id",
    );
    expect(inserted.id).toBe(1_201);
  });

  it("loads in one transaction: a failure midway leaves the previous data untouched", async () => {
    await generateDemo(db, { ...BASE, customers: 1_000, seed: 8 });
    const before = await fingerprint(db);
    const factsBefore = await facts(db);
    let batches = 0;
    await expect(
      generateDemo(db, {
        ...BASE,
        customers: 1_500,
        seed: 9,
        batchSize: 300,
        onProgress: ({ phase }) => {
          if (phase === "customers" && ++batches === 2) throw new Error("disk full (simulated)");
        },
      }),
    ).rejects.toThrow(/disk full/);
    expect(batches).toBe(2);
    expect(await fingerprint(db)).toEqual(before);
    expect(await facts(db)).toEqual(factsBefore);
    expect(await schemaShape(db)).toEqual(freshSchema);
  });

  it("rejects impossible options before touching the data", async () => {
    await expect(generateDemo(db, { customers: 0, seed: 1 })).rejects.toThrow(/customers/);
    await expect(generateDemo(db, { customers: 10, seed: 1, endDate: "2026-13-01" })).rejects.toThrow(/date/);
    await expect(generateDemo(db, { customers: 10, seed: -1 })).rejects.toThrow(/seed/);
  });
});
