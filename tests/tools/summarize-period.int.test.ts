// summarize_period on the demo data through the tool interface: every headline number checked against SQL written
// independently here, the drivers adding up, filters, the previous_year note, and the rendered answer.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runSubcommand } from "../../bot/commands/subcommands.ts";
import { chartsFor } from "../../bot/render/charts.ts";
import { renderPlainAnswer } from "../../bot/render/plain-answer.ts";
import type { Database } from "../../db/pool.ts";
import { generateDemo } from "../../derived/demo.ts";
import { invokeTool } from "../../tools/run-tool.ts";
import { testEngines } from "../helpers/databases.ts";

// Sunday 1 November 2026, noon in Shanghai: last week is 19-25 October, last month October.
const context = {
  caller: { userId: "U1", role: "manager" as const, canSeePii: false },
  timezone: "Asia/Shanghai",
  currency: "CNY",
  now: new Date("2026-11-01T04:00:00Z"),
};

interface Change {
  current: number | null;
  previous: number | null;
  change: number | null;
  change_absolute: number | null;
}
interface Term {
  factor: string;
  contribution: number;
}
interface Decomposition {
  method: string;
  change: number;
  terms: Term[];
}
interface CompactDecomposition {
  method: string;
  change: number;
  terms: Record<string, number>;
  factor_change: Record<string, number | null>;
}
interface Mover {
  key: string;
  name?: string;
  channel: string;
  revenue: Change;
  roas: Change;
  drivers: { revenue: CompactDecomposition; roas: CompactDecomposition | null };
  sentence: string;
}
interface Result {
  summary: string;
  period: { start: string; end: string };
  comparison: { compare: string; start: string; end: string; note?: string };
  method: string;
  headline: Record<string, Change> & { nps_responses: number };
  drivers: { revenue: Decomposition & { sentence: string }; roas: (Decomposition & { sentence: string }) | null };
  movers: { channels: { up: Mover[]; down: Mover[] }; campaigns: { up: Mover[]; down: Mover[] } };
  anomalies: { day: string; series: string; driver: string }[];
  tickets: { filed: Change; by_priority: Record<string, number>; by_status: Record<string, number> };
  open_budget_proposals: { total: number };
  rows: { key: { channel: string }; revenue: number; spend: number }[];
}

async function summarize(db: Database, args: Record<string, unknown>): Promise<Result> {
  const outcome = await invokeTool(db, "summarize_period", args, context);
  if (!outcome.ok) throw new Error(outcome.error);
  return outcome.result as Result;
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

/** The period's truth from the base tables (orders, not order_attribution), channel ids optional. */
async function truth(db: Database, start: string, end: string, channelIds: number[] | null = null) {
  const from = `${start}T00:00:00+08:00`;
  const to = new Date(Date.parse(`${end}T00:00:00+08:00`) + 86_400_000).toISOString();
  const { rows } = await db.pool.query<{
    orders: number;
    revenue: number;
    first: number;
    spend: number;
    clicks: number;
    claims: number;
    claimed_value: number;
    promoters: number;
    detractors: number;
    responses: number;
    tickets: number;
  }>(
    `WITH o AS (
       SELECT o.*, (SELECT count(*) FROM orders p WHERE p.customer_id = o.customer_id
                      AND (p.ordered_at, p.id) < (o.ordered_at, o.id)) = 0 AS first,
              a.last_touch_channel_id AS ch
       FROM orders o JOIN order_attribution a ON a.order_id = o.id
       WHERE o.ordered_at >= $1::timestamptz AND o.ordered_at < $2::timestamptz
         AND ($5::int[] IS NULL OR a.last_touch_channel_id = ANY($5::int[])))
     SELECT (SELECT count(*)::int FROM o) AS orders, (SELECT coalesce(sum(amount), 0)::float8 FROM o) AS revenue,
            (SELECT count(*)::int FROM o WHERE first) AS first,
            (SELECT coalesce(sum(spend), 0)::float8 FROM ad_spend_daily s JOIN campaigns c ON c.id = s.campaign_id
               WHERE day BETWEEN $3::date AND $4::date AND ($5::int[] IS NULL OR c.channel_id = ANY($5::int[]))) AS spend,
            (SELECT coalesce(sum(clicks), 0)::float8 FROM ad_spend_daily s JOIN campaigns c ON c.id = s.campaign_id
               WHERE day BETWEEN $3::date AND $4::date AND ($5::int[] IS NULL OR c.channel_id = ANY($5::int[]))) AS clicks,
            (SELECT count(*)::int FROM platform_conversions pc LEFT JOIN campaigns c ON c.id = pc.campaign_id
               WHERE converted_at >= $1::timestamptz AND converted_at < $2::timestamptz
                 AND ($5::int[] IS NULL OR c.channel_id = ANY($5::int[]))) AS claims,
            (SELECT coalesce(sum(reported_value), 0)::float8 FROM platform_conversions pc LEFT JOIN campaigns c ON c.id = pc.campaign_id
               WHERE converted_at >= $1::timestamptz AND converted_at < $2::timestamptz
                 AND ($5::int[] IS NULL OR c.channel_id = ANY($5::int[]))) AS claimed_value,
            (SELECT count(*) FILTER (WHERE score >= 9)::int FROM nps_responses WHERE responded_at >= $1::timestamptz AND responded_at < $2::timestamptz) AS promoters,
            (SELECT count(*) FILTER (WHERE score <= 6)::int FROM nps_responses WHERE responded_at >= $1::timestamptz AND responded_at < $2::timestamptz) AS detractors,
            (SELECT count(*)::int FROM nps_responses WHERE responded_at >= $1::timestamptz AND responded_at < $2::timestamptz) AS responses,
            (SELECT count(*)::int FROM feedback_tickets WHERE created_at >= $1::timestamptz AND created_at < $2::timestamptz
               AND ($5::int[] IS NULL OR channel_id = ANY($5::int[]))) AS tickets`,
    [from, to, start, end, channelIds],
  );
  return rows[0] as NonNullable<(typeof rows)[0]>;
}

describe.each(testEngines())("summarize_period on $name", (engine) => {
  let db: Database;
  beforeAll(async () => {
    db = await engine.open();
    await generateDemo(db, { customers: 2500, seed: 4, endDate: "2026-10-31" });
  });
  afterAll(async () => {
    await db?.close();
  });

  it("last month's headline numbers and their changes match the base tables", async () => {
    const result = await summarize(db, { period: "last_month", view: "marketer" });
    expect(result.period).toMatchObject({ start: "2026-10-01", end: "2026-10-31" });
    expect(result.comparison).toMatchObject({ compare: "previous_period", start: "2026-09-01", end: "2026-09-30" });
    const now = await truth(db, "2026-10-01", "2026-10-31");
    const before = await truth(db, "2026-09-01", "2026-09-30");
    const h = result.headline;
    expect(now.orders).toBeGreaterThan(100);
    expect(h.orders).toMatchObject({ current: now.orders, previous: before.orders });
    expect(h.revenue?.current).toBeCloseTo(now.revenue, 2);
    expect(h.revenue?.previous).toBeCloseTo(before.revenue, 2);
    expect(h.revenue?.change).toBeCloseTo(now.revenue / before.revenue - 1, 4);
    expect(h.spend?.current).toBeCloseTo(now.spend, 2);
    expect(h.new_customers).toMatchObject({ current: now.first, previous: before.first });
    expect(h.roas?.current).toBeCloseTo(now.revenue / now.spend, 4);
    expect(h.roas?.previous).toBeCloseTo(before.revenue / before.spend, 4);
    expect(h.cac?.current).toBeCloseTo(now.spend / now.first, 2);
    expect(h.conversion_rate?.current).toBeCloseTo(now.orders / now.clicks, 4);
    expect(h.aov?.current).toBeCloseTo(now.revenue / now.orders, 2);
    // The demo's platforms log their claims (no conversion columns in its ad reports).
    expect(h.claimed_conversions?.current).toBe(now.claims);
    expect(h.claimed_value?.current).toBeCloseTo(now.claimed_value, 2);
    expect(h.claimed_roas?.current).toBeCloseTo(now.claimed_value / now.spend, 4);
    expect(h.nps?.current).toBeCloseTo((100 * (now.promoters - now.detractors)) / now.responses, 1);
    expect(result.headline.nps_responses).toBe(now.responses);
    expect(result.tickets.filed.current).toBe(now.tickets);
    expect(sum(Object.values(result.tickets.by_priority))).toBe(now.tickets);
    expect(sum(Object.values(result.tickets.by_status))).toBe(now.tickets);
    const repeat = await db.pool.query<{ rate: number }>(
      `SELECT (count(DISTINCT customer_id) FILTER (WHERE rank >= 2))::float8 / count(DISTINCT customer_id) AS rate
       FROM (SELECT customer_id, ordered_at, row_number() OVER (PARTITION BY customer_id ORDER BY ordered_at, id) AS rank FROM orders) o
       WHERE ordered_at >= '2026-10-01T00:00:00+08:00' AND ordered_at < '2026-11-01T00:00:00+08:00'`,
    );
    expect(h.repeat_purchase_rate?.current).toBeCloseTo(repeat.rows[0]?.rate ?? Number.NaN, 4);
    // Channel rows partition the total.
    expect(sum(result.rows.map((r) => r.revenue))).toBeCloseTo(now.revenue, 1);
    expect(sum(result.rows.map((r) => r.spend ?? 0))).toBeCloseTo(now.spend, 1);
  });

  it("drivers add up to each change and name the method", async () => {
    const result = await summarize(db, { period: "last_month", view: "marketer" });
    expect(result.method).toBe("LMDI-I additive");
    const revenueChange = (result.headline.revenue?.current ?? 0) - (result.headline.revenue?.previous ?? 0);
    expect(result.drivers.revenue.change).toBeCloseTo(revenueChange, 1);
    expect(sum(result.drivers.revenue.terms.map((t) => t.contribution))).toBeCloseTo(revenueChange, 1);
    const roas = result.drivers.roas as Decomposition;
    expect(sum(roas.terms.map((t) => t.contribution))).toBeCloseTo(
      (result.headline.roas?.current ?? 0) - (result.headline.roas?.previous ?? 0),
      3,
    );
    const movers = [
      ...result.movers.channels.up,
      ...result.movers.channels.down,
      ...result.movers.campaigns.up,
      ...result.movers.campaigns.down,
    ];
    expect(result.movers.channels.up.length + result.movers.channels.down.length).toBeGreaterThan(0);
    expect(result.movers.campaigns.up.length + result.movers.campaigns.down.length).toBeGreaterThan(0);
    for (const m of movers) {
      const change = (m.revenue.current ?? 0) - (m.revenue.previous ?? 0);
      expect(sum(Object.values(m.drivers.revenue.terms))).toBeCloseTo(change, 1);
      if (m.drivers.roas) {
        const roasChange = (m.roas.current ?? 0) - (m.roas.previous ?? 0);
        expect(sum(Object.values(m.drivers.roas.terms))).toBeCloseTo(roasChange, 3);
      }
      expect(m.sentence).toContain(m.key);
    }
    for (const m of result.movers.channels.up) expect(m.drivers.revenue.change).toBeGreaterThan(0);
    for (const m of result.movers.channels.down) expect(m.drivers.revenue.change).toBeLessThan(0);
    // Campaign movers say what they are: their name and channel.
    for (const m of [...result.movers.campaigns.up, ...result.movers.campaigns.down]) {
      expect(m.name).toBeTruthy();
      expect(m.channel).toMatch(/^[a-z0-9_]+$/);
    }
    expect(result.summary).toContain(result.drivers.revenue.sentence);
    // The period's anomalies come from detect_anomalies' scan, inside the period.
    for (const a of result.anomalies) {
      expect(a.day >= "2026-10-01" && a.day <= "2026-10-31", a.day).toBe(true);
      expect(a.driver.length).toBeGreaterThan(0);
    }
    expect(result.summary).toMatch(/Anomalies: none found\.|Anomalies:\n {2}• 2026-10-\d\d/);
  });

  it("filters by channel and platform in every number", async () => {
    const { rows } = await db.pool.query<{ id: number; code: string; platform: string }>(
      "SELECT id, code, platform FROM channels WHERE code = 'douyin_ads' OR platform = 'Google Ads' ORDER BY id",
    );
    const douyin = rows.filter((r) => r.code === "douyin_ads").map((r) => r.id);
    const google = rows.filter((r) => r.platform === "Google Ads").map((r) => r.id);
    expect(douyin).toHaveLength(1);
    expect(google.length).toBeGreaterThan(1);
    const byChannel = await summarize(db, { period: "last_week", channel: "douyin_ads" });
    const t = await truth(db, "2026-10-19", "2026-10-25", douyin);
    expect(byChannel.period).toMatchObject({ start: "2026-10-19", end: "2026-10-25" });
    expect(byChannel.headline.orders?.current).toBe(t.orders);
    expect(byChannel.headline.revenue?.current).toBeCloseTo(t.revenue, 2);
    expect(byChannel.headline.spend?.current).toBeCloseTo(t.spend, 2);
    expect(byChannel.headline.claimed_conversions?.current).toBe(t.claims);
    expect(byChannel.rows.map((r) => r.key.channel)).toEqual(["douyin_ads"]);
    expect(byChannel.summary).toContain("on douyin_ads");
    const byPlatform = await summarize(db, { start: "2026-10-01", end: "2026-10-31", platform: "google ads" });
    const g = await truth(db, "2026-10-01", "2026-10-31", google);
    expect(byPlatform.headline.revenue?.current).toBeCloseTo(g.revenue, 2);
    expect(byPlatform.headline.spend?.current).toBeCloseTo(g.spend, 2);
    expect(byPlatform.tickets.filed.current).toBe(g.tickets);
  });

  it("filters by campaign, and refuses unknown filter values with what exists", async () => {
    const { rows } = await db.pool.query<{ id: number; external_id: string }>(
      `SELECT c.id, c.external_id FROM campaigns c JOIN order_attribution a ON a.last_touch_campaign_id = c.id
       WHERE a.ordered_at >= '2026-10-01T00:00:00+08:00' AND a.ordered_at < '2026-11-01T00:00:00+08:00'
       GROUP BY 1, 2 ORDER BY count(*) DESC LIMIT 1`,
    );
    const campaign = rows[0] as { id: number; external_id: string };
    const result = await summarize(db, { period: "last_month", campaign: campaign.external_id });
    const orders = await db.pool.query<{ n: number; revenue: number }>(
      `SELECT count(*)::int AS n, sum(amount)::float8 AS revenue FROM order_attribution WHERE last_touch_campaign_id = $1
       AND ordered_at >= '2026-10-01T00:00:00+08:00' AND ordered_at < '2026-11-01T00:00:00+08:00'`,
      [campaign.id],
    );
    expect(result.headline.orders?.current).toBe(orders.rows[0]?.n);
    expect(result.headline.revenue?.current).toBeCloseTo(orders.rows[0]?.revenue ?? 0, 2);
    const unknown = await invokeTool(db, "summarize_period", { channel: "myspace" }, context);
    expect(unknown.ok).toBe(false);
    expect(!unknown.ok && unknown.error).toMatch(/channel: unknown channel code "myspace"; known: .*douyin_ads/);
    const platform = await invokeTool(db, "summarize_period", { platform: "Friendster" }, context);
    expect(!platform.ok && platform.error).toMatch(/platform: unknown platform "Friendster"; known: .*Douyin/);
    const both = await invokeTool(db, "summarize_period", { period: "last_week", start: "2026-10-01" }, context);
    expect(!both.ok && both.error).toMatch(/either period or start\/end/);
  });

  it("says clearly when previous_year reaches before the data, and compares with the previous period", async () => {
    const first = await db.pool.query<{ day: string }>(
      "SELECT to_char(min(ordered_at) AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS day FROM orders",
    );
    expect((first.rows[0]?.day ?? "") > "2025-10-31").toBe(true);
    const result = await summarize(db, { period: "last_month", compare: "previous_year" });
    expect(result.comparison).toMatchObject({ compare: "previous_period", start: "2026-09-01", end: "2026-09-30" });
    expect(result.comparison.note).toMatch(
      /previous_year needs data from 2025-10-01, but the data starts on 20\d\d-\d\d-\d\d/,
    );
    expect(result.summary).toContain(`Note: ${result.comparison.note}`);
  });

  it("renders as a complete plain answer with the channel table", async () => {
    const result = await summarize(db, { period: "last_week" });
    const text = renderPlainAnswer(
      {
        runId: null,
        text: result.summary,
        outcome: "ok",
        steps: [{ tool: "summarize_period", args: {}, ok: true, rows: result.rows.length, elapsedMs: 1 }],
        results: [{ tool: "summarize_period", args: {}, result }],
        freshness: null,
        model: null,
        suggestions: [],
      },
      { currency: "CNY", timezone: "Asia/Shanghai" },
    );
    expect(text).toMatch(
      /^Summary of last week \(2026-10-19 to 2026-10-25\) vs the week before \(2026-10-12 to 2026-10-18\)/,
    );
    expect(text).toMatch(/Revenue ¥[\d,]+\.\d\d \([+−][\d.]+%\) · Spend/);
    expect(text).toContain("Why: Revenue ");
    expect(text).toMatch(/Tickets filed: /);
    expect(text).toMatch(/Budget proposals waiting for a decision: /);
    expect(text).toMatch(/channel\s+revenue\s+revenue_change_pct\s+spend\s+roas/);
    expect(text).toContain("Period: 2026-10-19 to 2026-10-25");
  });

  it("is what /beacon summary runs: last week by default, arguments passed through", async () => {
    const plain = await runSubcommand(db, "summary", "", context, "/beacon ");
    expect(plain.ok).toBe(true);
    if (!plain.ok) return;
    expect(plain.view.steps.map((s) => s.tool)).toEqual(["summarize_period"]);
    expect(plain.view.text).toMatch(/^Summary of last week \(2026-10-19 to 2026-10-25\)/);
    const monthly = await runSubcommand(db, "summary", "period=last_month view=marketer", context, "/beacon ");
    expect(monthly.ok && monthly.view.text).toMatch(
      /^Summary of last month \(2026-10-01 to 2026-10-31\)[^\n]*marketer view/,
    );
    const wrong = await runSubcommand(db, "summary", "period=yesterday", context, "/beacon ");
    expect(!wrong.ok && wrong.message).toMatch(/period/);
  });

  it("charts this period against the comparison by channel", async () => {
    const result = await summarize(db, { period: "last_month" });
    const [chart] = chartsFor([{ tool: "summarize_period", args: {}, result }], {
      currency: "CNY",
      timezone: "Asia/Shanghai",
    });
    expect(chart?.filename).toBe("summary-by-channel.png");
    if (!chart) throw new Error("the summary carries no chart");
    const values = (chart.spec.data as { values: { label: string; period: string; value: number }[] }).values;
    const top = result.rows[0] as { key: { channel: string }; revenue: number };
    expect(values).toContainEqual({ label: top.key.channel, period: "this period", value: top.revenue });
    expect(values.some((v) => v.period === "comparison")).toBe(true);
  });
});
