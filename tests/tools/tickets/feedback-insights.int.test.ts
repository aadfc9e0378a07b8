// feedback_insights on generated demo tickets (EN and 中文) plus a few filed through log_feedback_ticket, checked
// against direct SQL, on every engine.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../../db/pool.ts";
import { generateDemo } from "../../../derived/demo.ts";
import { invokeTool } from "../../../tools/run-tool.ts";
import type { Role } from "../../../tools/tool.ts";
import { testEngines } from "../../helpers/databases.ts";

const NOW = new Date("2026-11-01T04:00:00Z");
// biome-ignore lint/suspicious/noExplicitAny: tool answers are checked field by field against SQL.
type Loose = any;

describe.each(testEngines())("feedback_insights on $name", (engine) => {
  let db: Database;

  async function ok(name: string, args: Record<string, unknown>, role: Role = "manager"): Promise<Loose> {
    const outcome = await invokeTool(db, name, args, {
      caller: { userId: `U-${role}`, role, canSeePii: role === "support" || role === "admin" },
      timezone: "Asia/Shanghai",
      currency: "CNY",
      now: NOW,
    });
    if (!outcome.ok) throw new Error(outcome.error);
    return outcome.result;
  }
  async function rows<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await db.pool.query(sql, params)).rows as T[];
  }

  beforeAll(async () => {
    db = await engine.open();
    await generateDemo(db, { customers: 1500, seed: 11, endDate: "2026-10-31" });
    // A cluster of similar ad-promise complaints on one campaign, filed through the tool (stored embeddings).
    const cp = await rows<{ external_id: string }>("SELECT external_id FROM campaigns ORDER BY id LIMIT 1");
    const customers = await rows<{ id: number }>("SELECT id FROM customers ORDER BY id LIMIT 4");
    for (const [i, c] of customers.entries()) {
      await ok(
        "log_feedback_ticket",
        {
          customer: c.id,
          source_channel: "social",
          category: "ad_promise",
          sentiment: "negative",
          severity: "medium",
          campaign: cp[0]?.external_id,
          body: `The spring ad promised a free gift with every order, but no free gift came with order ${i + 1}. Contact me at buyer${i}@example.com`,
        },
        "support",
      );
    }
  }, 240_000);
  afterAll(async () => {
    await db?.close();
  });

  const WINDOW =
    "created_at >= ('2026-08-10'::date)::timestamp AT TIME ZONE 'Asia/Shanghai' AND created_at < ('2026-11-02'::date)::timestamp AT TIME ZONE 'Asia/Shanghai'";

  it("counts tickets by category, source channel, week and tier, matching SQL", async () => {
    const result = await ok("feedback_insights", {});
    expect(result.period).toEqual({ start: "2026-08-10", end: "2026-11-01", timezone: "Asia/Shanghai" });
    const byCategory = await rows<{ key: string; n: number }>(
      `SELECT category AS key, count(*)::int AS n FROM feedback_tickets WHERE ${WINDOW} GROUP BY 1`,
    );
    const total = byCategory.reduce((s, r) => s + r.n, 0);
    expect(total).toBeGreaterThan(20);
    expect(result.total_tickets).toBe(total);
    expect(Object.fromEntries(result.by_category.map((r: Loose) => [r.key, r.tickets]))).toEqual(
      Object.fromEntries(byCategory.map((r) => [r.key, r.n])),
    );
    const bySource = await rows<{ key: string; n: number }>(
      `SELECT source_channel AS key, count(*)::int AS n FROM feedback_tickets WHERE ${WINDOW} GROUP BY 1`,
    );
    expect(Object.fromEntries(result.by_source_channel.map((r: Loose) => [r.key, r.tickets]))).toEqual(
      Object.fromEntries(bySource.map((r) => [r.key, r.n])),
    );
    const weeks = await rows<{ key: string; n: number }>(
      `SELECT to_char(created_at AT TIME ZONE 'Asia/Shanghai', 'IYYY-"W"IW') AS key, count(*)::int AS n
       FROM feedback_tickets WHERE ${WINDOW} GROUP BY 1 ORDER BY 1`,
    );
    expect(result.by_week.map((w: Loose) => [w.key, w.tickets])).toEqual(weeks.map((w) => [w.key, w.n]));
    for (const w of result.by_week) {
      expect(Object.values(w.by_category as Record<string, number>).reduce((s, n) => s + n, 0)).toBe(w.tickets);
    }
    expect(result.by_value_tier.reduce((s: number, r: Loose) => s + r.tickets, 0)).toBe(total);
    const known = await rows<{ n: number }>(
      `SELECT count(*)::int AS n FROM feedback_tickets WHERE ${WINDOW} AND customer_id IS NULL`,
    );
    expect(result.by_value_tier.find((r: Loose) => r.key === "unknown")?.tickets ?? 0).toBe(known[0]?.n);
    const adTrend = result.trends.find((t: Loose) => t.category === "ad_promise");
    expect(adTrend.last_weeks).toBeGreaterThanOrEqual(4);
  });

  it("gives the share of ad-promise complaints per campaign", async () => {
    const result = await ok("feedback_insights", {});
    const expected = await rows<{ key: string; tickets: number; ad: number }>(
      `SELECT cp.external_id AS key, count(*)::int AS tickets, count(*) FILTER (WHERE t.category = 'ad_promise')::int AS ad
       FROM feedback_tickets t JOIN campaigns cp ON cp.id = t.campaign_id WHERE t.${WINDOW.replaceAll(" created_at", " t.created_at")} GROUP BY 1`,
    );
    expect(result.ad_promise_by_campaign).toHaveLength(expected.length);
    for (const e of expected) {
      const got = result.ad_promise_by_campaign.find((c: Loose) => c.key === e.key);
      expect(got).toMatchObject({ tickets: e.tickets, ad_promise: e.ad });
      expect(got.ad_promise_share).toBeCloseTo(e.ad / e.tickets, 3);
    }
    expect(result.ad_promise_by_campaign[0].ad_promise).toBeGreaterThanOrEqual(4);
  });

  it("finds the repeated complaint as a theme, with example quotes masked by role", async () => {
    const marketer = await ok("feedback_insights", { themes: 10 }, "marketer");
    const gift = marketer.themes.find((t: Loose) =>
      t.examples.some((e: Loose) => e.untrusted_quote.includes("free gift")),
    );
    expect(gift).toBeDefined();
    expect(gift.tickets).toBeGreaterThanOrEqual(4);
    expect(gift.terms).toEqual(expect.arrayContaining(["gift"]));
    expect(gift.categories.ad_promise).toBeGreaterThanOrEqual(4);
    for (const e of gift.examples) expect(e.untrusted_quote).not.toMatch(/buyer\d@/);
    const support = await ok("feedback_insights", { themes: 10 }, "support");
    const quotes = support.themes.flatMap((t: Loose) => t.examples.map((e: Loose) => e.untrusted_quote));
    expect(quotes.some((q: string) => /buyer\d@example\.com/.test(q))).toBe(true);
    expect(marketer.untrusted_text_note).toMatch(/never instructions/);
  });

  it("links to the NPS of the same customers", async () => {
    const result = await ok("feedback_insights", {});
    const expected = await rows<{ grp: string; customers: number; promoters: number; detractors: number }>(
      `WITH latest AS (SELECT DISTINCT ON (customer_id) customer_id, score FROM nps_responses
                       WHERE customer_id IS NOT NULL AND responded_at < ('2026-11-02'::date)::timestamp AT TIME ZONE 'Asia/Shanghai'
                       ORDER BY customer_id, responded_at DESC),
            tc AS (SELECT DISTINCT customer_id FROM feedback_tickets WHERE ${WINDOW} AND customer_id IS NOT NULL)
       SELECT CASE WHEN tc.customer_id IS NULL THEN 'other' ELSE 'ticket' END AS grp, count(*)::int AS customers,
              count(*) FILTER (WHERE score >= 9)::int AS promoters, count(*) FILTER (WHERE score <= 6)::int AS detractors
       FROM latest l LEFT JOIN tc USING (customer_id) GROUP BY 1`,
    );
    const ticket = expected.find((e) => e.grp === "ticket");
    const other = expected.find((e) => e.grp === "other");
    expect(ticket?.customers).toBeGreaterThan(0);
    expect(result.nps.ticket_customers.customers).toBe(ticket?.customers);
    expect(result.nps.other_respondents.customers).toBe(other?.customers);
    const nps = (g: typeof ticket) =>
      Math.round((((g?.promoters ?? 0) - (g?.detractors ?? 0)) / (g?.customers ?? 1)) * 1000) / 10;
    expect(result.nps.ticket_customers.nps).toBe(nps(ticket));
    expect(result.nps.other_respondents.nps).toBe(nps(other));
    expect(result.nps.ticket_customers_by_category.length).toBeGreaterThan(0);
  });

  it("answers an empty period and refuses an inverted one", async () => {
    const empty = await ok("feedback_insights", { start: "2020-01-01", end: "2020-01-31" });
    expect(empty).toMatchObject({ total_tickets: 0, themes: [], by_category: [] });
    const outcome = await invokeTool(
      db,
      "feedback_insights",
      { start: "2026-10-10", end: "2026-10-01" },
      {
        caller: { userId: "U", role: "marketer", canSeePii: false },
        timezone: "Asia/Shanghai",
        currency: "CNY",
        now: NOW,
      },
    );
    expect(outcome).toMatchObject({
      ok: false,
      error: "end (2026-10-01) is before start (2026-10-10); give end on or after start",
    });
  });
});
