// recommend_budget and the approval flow through the tool interface, on generated demo data.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../config.ts";
import type { Database } from "../../../db/pool.ts";
import { createScratchDatabase } from "../../../db/scratch.ts";
import { generateDemo } from "../../../derived/demo.ts";
import { optimiseBudget } from "../../../tools/recommend-budget/optimise.model.ts";
import { invokeTool } from "../../../tools/run-tool.ts";
import type { Role } from "../../../tools/tool.ts";
import { testEngines } from "../../helpers/databases.ts";

const NOW = new Date("2026-11-01T04:00:00Z");
const as = (role: Role, userId = `U_${role}`) => ({
  caller: { userId, role, canSeePii: false },
  timezone: "Asia/Shanghai",
  currency: "CNY",
  now: NOW,
});

interface Row {
  channel: string;
  status: "fitted" | "held";
  current: number;
  recommended: number;
  bound?: string;
  reason?: string;
  marginal_roas_recommended?: number;
  marginal_roas_current?: number;
  average_roas_current?: number | null;
  curve?: { form: string; r2: number };
}
interface Recommendation {
  proposal_id: number | null;
  totals: {
    budget: number;
    expected_outcome_recommended: number;
    expected_outcome_band: { p05: number; p95: number } | null;
  };
  rows: Row[];
  optimality: { lambda_marginal_roas: number | null; free_channels: number; marginal_spread: number };
  what_if?: {
    amount: number;
    amount_pct: number | null;
    from_budget_before: number;
    expected_change: number;
    expected_change_from: number;
    expected_change_to: number;
    summary: string;
  };
  summary: string;
  status: "proposed" | "not_saved";
  returns_explained: string[];
  curve_points?: { channel: string; points: { spend: number; outcome: number }[] }[];
}

async function call<T>(db: Database, tool: string, args: Record<string, unknown>, role: Role = "marketer"): Promise<T> {
  const outcome = await invokeTool(db, tool, args, as(role));
  if (!outcome.ok) throw new Error(outcome.error);
  return outcome.result as T;
}
async function failure(
  db: Database,
  tool: string,
  args: Record<string, unknown>,
  role: Role = "marketer",
): Promise<string> {
  const outcome = await invokeTool(db, tool, args, as(role));
  return outcome.ok ? "" : outcome.error;
}
const cents = (x: number) => Math.round(x * 100);
const proposalCount = async (db: Database) =>
  (await db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM budget_proposals")).rows[0]?.n ?? -1;

describe.each(testEngines())("recommend_budget on $name", (engine) => {
  let db: Database;
  beforeAll(async () => {
    db = await engine.open();
    await generateDemo(db, { customers: 3000, seed: 9, endDate: "2026-10-31" });
  });
  afterAll(async () => {
    await db?.close();
  });

  it("splits the budget to the cent, within every bound, with equal marginal returns on free channels", async () => {
    const result = await call<Recommendation>(db, "recommend_budget", {
      end: "2026-10-31",
      total_budget: 90_000.07,
      horizon_weeks: 3,
      limits: { douyin_ads: { min: 12_000 } },
      locked: ["meta_ads"],
      move: { from: "baidu_search", to: "wechat_ads", amount: 2000 },
    });
    expect(cents(result.rows.reduce((s, r) => s + r.recommended, 0))).toBe(cents(90_000.07));
    expect(result.totals.budget).toBe(90_000.07);
    for (const row of result.rows) {
      expect(row.recommended).toBeGreaterThanOrEqual(0);
      if (row.status === "held") expect(row.recommended).toBe(row.current);
    }
    expect(result.rows.find((r) => r.channel === "douyin_ads")?.recommended).toBeGreaterThanOrEqual(12_000);
    expect(result.rows.find((r) => r.channel === "meta_ads")).toMatchObject({
      status: "held",
      reason: "locked by request",
    });
    const moved = await call<Recommendation>(db, "recommend_budget", {
      end: "2026-10-31",
      include_curves: false,
      total_budget: 1_200_000,
      locked: ["meta_ads"],
      limits: { meta_ads: { min: 1_000_000 } },
    });
    // The user's limits override "held at current" for a locked channel or one without a curve.
    const meta = moved.rows.find((r) => r.channel === "meta_ads");
    expect(meta).toMatchObject({ status: "held", recommended: 1_000_000 });
    expect(meta?.reason).toContain("nearest amount your limits allow");
    const free = result.rows.filter((r) => r.status === "fitted" && r.bound === "none");
    for (const row of free)
      expect(row.marginal_roas_recommended).toBeCloseTo(result.optimality.lambda_marginal_roas ?? 0, 3);
    const band = result.totals.expected_outcome_band;
    expect(band?.p05).toBeLessThanOrEqual(result.totals.expected_outcome_recommended);
    expect(band?.p95).toBeGreaterThanOrEqual(result.totals.expected_outcome_recommended);
    expect(typeof result.what_if?.expected_change).toBe("number");
    expect(result.curve_points?.[0]?.points).toHaveLength(9);
    expect(result.proposal_id).toBeNull();
    expect(result.status).toBe("not_saved");
  });

  it("what-ifs and recommendations store nothing unless save_proposal is true", async () => {
    const before = await proposalCount(db);
    const args = { end: "2026-10-31", include_curves: false };
    const plain = await call<Recommendation>(db, "recommend_budget", args);
    const whatIf = await call<Recommendation>(db, "recommend_budget", {
      ...args,
      move: { from: "baidu_search", to: "douyin_ads", amount_pct: 20 },
    });
    expect(await proposalCount(db)).toBe(before);
    expect(plain.summary).toContain("Not saved: ask to propose it (save_proposal)");
    expect(whatIf.proposal_id).toBeNull();
    const saved = await call<Recommendation>(db, "recommend_budget", { ...args, save_proposal: true });
    expect(await proposalCount(db)).toBe(before + 1);
    expect(saved).toMatchObject({ status: "proposed" });
    expect(saved.proposal_id).toBeGreaterThan(0);
    expect(saved.summary).toContain("Saved as a proposal: a manager must approve before anything changes.");
  });

  it("moves a percentage of a channel's budget: 20% of baidu_search is the same what-if as that amount", async () => {
    const args = { end: "2026-10-31", include_curves: false };
    const byPct = await call<Recommendation>(db, "recommend_budget", {
      ...args,
      move: { from: "baidu_search", to: "douyin_ads", amount_pct: 20 },
    });
    const baidu = byPct.rows.find((r) => r.channel === "baidu_search");
    const pct = byPct.what_if as NonNullable<Recommendation["what_if"]>;
    expect(pct.from_budget_before).toBe(baidu?.current);
    expect(pct.amount).toBeCloseTo((baidu?.current ?? 0) * 0.2, 2);
    expect(pct.amount_pct).toBe(20);
    const byAmount = await call<Recommendation>(db, "recommend_budget", {
      ...args,
      move: { from: "baidu_search", to: "douyin_ads", amount: pct.amount },
    });
    expect(byAmount.what_if?.expected_change).toBeCloseTo(pct.expected_change, 1);
    expect(pct.expected_change).toBeCloseTo(pct.expected_change_from + pct.expected_change_to, 1);
    expect(pct.summary).toMatch(/^Moving ¥[\d,]+\.\d\d from baidu_search to douyin_ads over 4 weeks: /);
    expect(
      await failure(db, "recommend_budget", {
        move: { from: "baidu_search", to: "douyin_ads", amount: 1, amount_pct: 5 },
      }),
    ).toContain("give amount (money) or amount_pct (percent of the from channel's current budget), exactly one");
    expect(await failure(db, "recommend_budget", { move: { from: "baidu_search", to: "douyin_ads" } })).toContain(
      "exactly one",
    );
  });

  it("explains why a channel's marginal ROAS sits below its average, attributed ROAS", async () => {
    const result = await call<Recommendation>(db, "recommend_budget", { end: "2026-10-31", include_curves: false });
    const fitted = result.rows.filter((r) => r.status === "fitted");
    expect(result.returns_explained).toHaveLength(fitted.length);
    const flattening = fitted.filter((r) => (r.marginal_roas_current ?? 0) < 0.5 * (r.average_roas_current ?? 0));
    expect(flattening.length).toBeGreaterThan(0);
    for (const row of flattening) {
      const sentence = result.returns_explained.find((s) => s.startsWith(`${row.channel}:`)) ?? "";
      expect(sentence).toContain(`brought ${(row.average_roas_current ?? 0).toFixed(2)} on average (attributed ROAS);`);
      expect(sentence).toContain(`brings about ${(row.marginal_roas_current ?? 0).toFixed(2)} (marginal ROAS)`);
      expect(sentence).toContain("diminishing returns");
    }
  });

  it("keeps every channel within the allowed change", async () => {
    const result = await call<Recommendation>(db, "recommend_budget", {
      end: "2026-10-31",
      max_change_pct: 40,
      include_curves: false,
    });
    for (const row of result.rows.filter((r) => r.status === "fitted")) {
      expect(row.recommended, row.channel).toBeGreaterThanOrEqual(row.current * 0.6 - 0.01);
      expect(row.recommended, row.channel).toBeLessThanOrEqual(row.current * 1.4 + 0.01);
    }
    expect(cents(result.rows.reduce((s, r) => s + r.recommended, 0))).toBe(cents(result.totals.budget));
  });

  it("finds the largest budget whose marginal ROAS stays above a target", async () => {
    const loose = await call<Recommendation>(db, "recommend_budget", { end: "2026-10-31", target_marginal_roas: 0.5 });
    const strict = await call<Recommendation>(db, "recommend_budget", { end: "2026-10-31", target_marginal_roas: 2 });
    expect(strict.totals.budget).toBeLessThan(loose.totals.budget);
    for (const row of strict.rows.filter((r) => r.status === "fitted" && r.recommended > 0)) {
      expect(row.marginal_roas_recommended ?? 0).toBeGreaterThanOrEqual(2 - 1e-3);
    }
  });

  it("names the conflict when constraints cannot be met, and other bad arguments", async () => {
    expect(
      await failure(db, "recommend_budget", {
        end: "2026-10-31",
        total_budget: 30_000,
        limits: { douyin_ads: { min: 60_000 } },
      }),
    ).toMatch(/constraints: minimums add up to .* but the total is/);
    expect(await failure(db, "recommend_budget", { locked: ["myspace"] })).toMatch(
      /unknown or unpaid channel code\(s\) myspace; paid channels: .*douyin_ads/,
    );
    expect(await failure(db, "recommend_budget", { locked: ["direct"] })).toContain("direct");
    expect(await failure(db, "recommend_budget", { total_budget: 1, target_marginal_roas: 1 })).toContain(
      "give total_budget or target_marginal_roas, not both",
    );
    expect(await failure(db, "recommend_budget", { start: "2026-10-01", end: "2026-10-31" })).toContain(
      "at least 8 are needed",
    );
    expect(await failure(db, "recommend_budget", {}, "support")).toContain("may not use recommend_budget");
  });

  it("lets only managers and admins decide, once, and remembers who and when", async () => {
    const proposal = await call<Recommendation>(db, "recommend_budget", {
      end: "2026-10-31",
      include_curves: false,
      save_proposal: true,
    });
    const id = proposal.proposal_id;
    expect(await failure(db, "decide_budget_proposal", { proposal_id: id, decision: "approve" }, "marketer")).toContain(
      "The marketer role may not use decide_budget_proposal",
    );
    const adjusted = await call<Recommendation>(db, "recommend_budget", {
      end: "2026-10-31",
      include_curves: false,
      max_change_pct: 10,
      revises_proposal_id: id,
    });
    expect(await failure(db, "decide_budget_proposal", { proposal_id: id, decision: "approve" }, "manager")).toContain(
      `proposal ${id} is already superseded`,
    );
    const decided = await call<{ proposal: { status: string; decided_by: string; note: string } }>(
      db,
      "decide_budget_proposal",
      { proposal_id: adjusted.proposal_id, decision: "approve", note: "Go with the capped version" },
      "manager",
    );
    expect(decided.proposal).toMatchObject({
      status: "approved",
      decided_by: "U_manager",
      note: "Go with the capped version",
    });
    expect(
      await failure(db, "decide_budget_proposal", { proposal_id: adjusted.proposal_id, decision: "reject" }, "admin"),
    ).toMatch(/is already approved by U_manager at /);
    expect(await failure(db, "decide_budget_proposal", { proposal_id: 999_999, decision: "reject" }, "admin")).toBe(
      "proposal_id: no budget proposal with id 999999",
    );
    const list = await call<{
      rows: { id: number; status: string; decided_by: string | null; allocation: unknown[] }[];
    }>(db, "list_budget_proposals", { start: "2026-10-01", end: "2026-12-31", status: "approved" });
    expect(list.rows.map((r) => r.id)).toEqual([adjusted.proposal_id]);
    expect(list.rows[0]?.decided_by).toBe("U_manager");
    expect(list.rows[0]?.allocation.length).toBeGreaterThan(5);
  });
});

// Recovering the planted curves needs weekly counts large enough to see a curve: 200,000 customers, on the server.
const serverUrl = loadConfig().TEST_DATABASE_URL;
describe.runIf(serverUrl)(
  "recommend_budget recovers the demo's planted response curves (server, 200k customers)",
  () => {
    let db: Database;
    beforeAll(async () => {
      db = await createScratchDatabase(serverUrl as string, "beacon_test_budget");
      await generateDemo(db, { customers: 200_000, seed: 42, endDate: "2026-10-31" });
    }, 300_000);
    afterAll(async () => {
      await db?.close();
    });

    it("recommends within 5% of the budget of the allocation that is optimal under the true curves", async () => {
      const result = await call<Recommendation>(db, "recommend_budget", {
        end: "2026-10-31",
        outcome: "conversions",
        conversion: "first_orders",
        attribution: "last_touch",
        horizon_weeks: 1,
        include_curves: false,
      });
      const { rows } = await db.pool.query<{
        value: { acquisition: { curves: Record<string, number | string | null>[] } };
      }>("SELECT value FROM dataset_facts WHERE key = 'demo'");
      const planted = rows[0]?.value.acquisition.curves ?? [];
      const fitted = result.rows.filter((r) => r.status === "fitted");
      expect(fitted.length).toBeGreaterThanOrEqual(11);
      // First orders per week = first-order rate x new customers, and new customers follow the planted curve.
      const truth = fitted.map((r) => {
        const c = planted.find((p) => p.channel === r.channel) as Record<string, number | string>;
        const scale = (c.K as number) * (c.firstOrderRate as number);
        return {
          name: r.channel,
          curve:
            c.form === "exponential"
              ? { form: "exponential" as const, k: scale, b: c.b as number }
              : { form: "hill" as const, L: scale, h: c.halfSaturation as number, k: c.shape as number },
        };
      });
      const total = fitted.reduce((s, r) => s + r.recommended, 0);
      const best = optimiseBudget(truth, { total });
      for (const r of fitted) {
        const optimum = best.channels.find((c) => c.name === r.channel)?.spend ?? 0;
        expect(Math.abs(r.recommended - optimum) / total, r.channel).toBeLessThan(0.05);
      }
      // Scored on the true curves, the recommended plan gets within 1% of the best possible outcome.
      const outcomeOf = (spend: (name: string) => number) =>
        truth.reduce((s, t) => s + optimiseBudget([t], { total: spend(t.name) }).totalOutcome, 0);
      const achieved = outcomeOf((n) => fitted.find((r) => r.channel === n)?.recommended ?? 0);
      expect(achieved / best.totalOutcome).toBeGreaterThan(0.99);
    }, 120_000);
  },
);
