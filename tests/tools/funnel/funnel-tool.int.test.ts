// funnel through the public tool interface on the demo: counts equal independent SQL over the raw tables, and a
// broken step planted here (one channel's clicks cut to a fifth in the current period, as when a tracking link
// breaks) is the step the tool names as the biggest drop.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../../db/pool.ts";
import { generateDemo } from "../../../derived/demo.ts";
import { invokeTool } from "../../../tools/run-tool.ts";
import type { Caller } from "../../../tools/tool.ts";
import { testEngines } from "../../helpers/databases.ts";

const marketer: Caller = { userId: "U1", role: "marketer", canSeePii: false };
const context = { caller: marketer, timezone: "Asia/Shanghai", currency: "CNY", now: new Date("2026-11-01T04:00:00Z") };
const BROKEN = "xiaohongshu";

interface Step {
  step: string;
  count: number;
  conversion: number | null;
  previous_conversion?: number | null;
  relative_change?: number | null;
}
interface Row {
  channel: string;
  impressions: number;
  clicks: number;
  sessions: number | null;
  first_orders: number;
  repeat_buyers: number;
  ctr: number | null;
  biggest_drop: string | null;
  steps: Step[];
}
interface Result {
  summary: string;
  period: { start: string; end: string };
  comparison_period: { start: string; end: string } | null;
  rows: Row[];
}

async function funnel(db: Database, args: Record<string, unknown>): Promise<Result> {
  const outcome = await invokeTool(db, "compute_funnel", args, context);
  if (!outcome.ok) throw new Error(outcome.error);
  return outcome.result as Result;
}

/** First buyers per acquisition channel, written differently from the tool: min(ordered_at) per customer. */
async function firstBuyers(db: Database, start: string, end: string) {
  const { rows } = await db.pool.query<{ code: string; firsts: number; repeats: number }>(
    `WITH first AS (SELECT customer_id, min(ordered_at) AS at FROM orders GROUP BY customer_id),
          inside AS (SELECT o.customer_id, count(*) AS n FROM orders o
                     WHERE (o.ordered_at AT TIME ZONE 'Asia/Shanghai')::date BETWEEN $1::date AND $2::date GROUP BY 1)
     SELECT ch.code, count(*)::int AS firsts, count(*) FILTER (WHERE i.n > 1)::int AS repeats
     FROM first f JOIN inside i ON i.customer_id = f.customer_id
     JOIN customers c ON c.id = f.customer_id JOIN channels ch ON ch.id = c.acquisition_channel_id
     WHERE (f.at AT TIME ZONE 'Asia/Shanghai')::date BETWEEN $1::date AND $2::date GROUP BY 1`,
    [start, end],
  );
  return new Map(rows.map((r) => [r.code, r]));
}

describe.each(testEngines())("funnel on the demo ($name)", (engine) => {
  let db: Database;
  beforeAll(async () => {
    db = await engine.open();
    await generateDemo(db, { customers: 4000, seed: 31, endDate: "2026-10-31" });
  });
  afterAll(async () => {
    await db?.close();
  });

  it("counts impressions, clicks, first orders and repeat buyers as the raw tables do", async () => {
    const result = await funnel(db, {});
    expect(result.period).toEqual({ start: "2026-10-04", end: "2026-10-31", timezone: "Asia/Shanghai" });
    expect(result.comparison_period).toEqual({ start: "2026-09-06", end: "2026-10-03" });
    const ads = await db.pool.query<{ code: string; impressions: string; clicks: string }>(
      `SELECT ch.code, sum(a.impressions)::text AS impressions, sum(a.clicks)::text AS clicks FROM ad_spend_daily a
       JOIN campaigns cp ON cp.id = a.campaign_id JOIN channels ch ON ch.id = cp.channel_id
       WHERE a.day BETWEEN '2026-10-04' AND '2026-10-31' GROUP BY 1`,
    );
    const firsts = await firstBuyers(db, "2026-10-04", "2026-10-31");
    expect(ads.rows.length).toBeGreaterThan(5);
    for (const ad of ads.rows) {
      const row = result.rows.find((r) => r.channel === ad.code) as Row;
      expect(row.impressions, ad.code).toBe(Number(ad.impressions));
      expect(row.clicks, ad.code).toBe(Number(ad.clicks));
      expect(row.ctr, ad.code).toBeCloseTo(Number(ad.clicks) / Number(ad.impressions), 4);
    }
    for (const [code, want] of firsts) {
      const row = result.rows.find((r) => r.channel === code) as Row;
      expect(row.first_orders, code).toBe(want.firsts);
      expect(row.repeat_buyers, code).toBe(want.repeats);
    }
    expect([...firsts.values()].reduce((s, r) => s + r.firsts, 0)).toBeGreaterThan(100);
    // No web analytics in the demo: the sessions step is left out.
    expect(result.rows.every((r) => r.sessions === null && !r.steps.some((s) => s.step === "sessions"))).toBe(true);
    const total = await funnel(db, { group_by: "total" });
    expect(total.rows).toHaveLength(1);
    expect(total.rows[0]?.first_orders).toBe([...firsts.values()].reduce((s, r) => s + r.firsts, 0));
  });

  it("names the broken step: clicks cut to a fifth on one channel", async () => {
    const before = await funnel(db, { channel: BROKEN });
    const ctrBefore = before.rows[0]?.ctr as number;
    await db.pool.query(
      `UPDATE ad_spend_daily SET clicks = clicks / 5
       WHERE day BETWEEN '2026-10-04' AND '2026-10-31'
         AND campaign_id IN (SELECT cp.id FROM campaigns cp JOIN channels ch ON ch.id = cp.channel_id WHERE ch.code = $1)`,
      [BROKEN],
    );
    const result = await funnel(db, {});
    const broken = result.rows.find((r) => r.channel === BROKEN) as Row;
    expect(broken.biggest_drop).toBe("clicks");
    const clicks = broken.steps.find((s) => s.step === "clicks") as Step;
    expect(broken.ctr as number).toBeCloseTo(ctrBefore / 5, 2);
    expect(clicks.relative_change as number).toBeLessThan(-0.7);
    // The largest relative fall of any channel's step, so the summary names it.
    expect(result.summary).toContain(`Biggest drop: ${BROKEN} clicks conversion`);
  });

  it("explains an unknown channel", async () => {
    const outcome = await invokeTool(db, "compute_funnel", { channel: "myspace" }, context);
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.error).toMatch(/channel: unknown channel code "myspace"; known: /);
  });
});
