// compute_attribution through the public tool interface: imported Data.csv against ChannelAttribution's numbers,
// toy cases written as journeys CSV files, and the touchpoint path on generated demo data.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../../db/pool.ts";
import { generateDemo } from "../../../derived/demo.ts";
import { importCsv } from "../../../derived/import.ts";
import { invokeTool } from "../../../tools/run-tool.ts";
import { testEngines } from "../../helpers/databases.ts";
import { readReferenceJson, referencePath } from "../../helpers/reference.ts";

const readJson = readReferenceJson;
const caller = { userId: "U1", role: "marketer" as const, canSeePii: false };
const context = { caller, timezone: "Asia/Shanghai", currency: "CNY", now: new Date("2026-11-01T04:00:00Z") };

interface Row {
  key: string;
  conversions: number;
  revenue: number;
  share: number | null;
  spend: number | null;
  cpa: number | null;
  roas: number | null;
  role: string;
}
interface Result {
  summary: string;
  rows: Row[];
  totals: { conversions: number; revenue: number; orders: number | null; orders_without_touch: number };
  comparison?: Record<string, number | string>[];
  markov?: { removal_effects: { key: string; removal_effect: number }[]; transition_matrix?: unknown[] };
}

async function attribution(db: Database, args: Record<string, unknown>): Promise<Result> {
  const outcome = await invokeTool(db, "compute_attribution", args, context);
  if (!outcome.ok) throw new Error(outcome.error);
  return outcome.result as Result;
}

const byKey = (rows: Row[]) => new Map(rows.map((r) => [r.key, r]));
const tmp = mkdtempSync(join(tmpdir(), "beacon-attr-"));

function journeysCsv(
  name: string,
  paths: { path: string; conversions: number; value?: number; nulls?: number }[],
): string {
  const file = join(tmp, `${name}.csv`);
  const lines = paths.map((p) => `${p.path};${p.conversions};${p.value ?? p.conversions};${p.nulls ?? 0}`);
  writeFileSync(file, ["path;total_conversions;total_conversion_value;total_null", ...lines].join("\n"));
  return file;
}

describe.each(testEngines())("compute_attribution on $name", (engine) => {
  let db: Database;
  beforeAll(async () => {
    db = await engine.open();
    const dataCsv = referencePath("attribution_channelattribution/Data.csv");
    await importCsv(db, "journeys", dataCsv, { timezone: "Asia/Shanghai", dataset: "ca_data" });
    const toys = readJson<{
      vignette_AB: { paths: { path: string; conversions: number }[] };
      analyzecore_c1c2c3: { paths: { path: string; conversions: number; null: number }[] };
    }>("attribution_channelattribution/toy_cases.json");
    await importCsv(db, "journeys", journeysCsv("vignette", toys.vignette_AB.paths), {
      timezone: "UTC",
      dataset: "vignette",
    });
    await importCsv(
      db,
      "journeys",
      journeysCsv(
        "c123",
        toys.analyzecore_c1c2c3.paths.map((p) => ({ ...p, nulls: p.null })),
      ),
      { timezone: "UTC", dataset: "c123" },
    );
    // The Shapley FOL case as 100 converting journeys by exact channel set.
    const fol = readJson<{ input_as_counts_out_of_100_converting_journeys: Record<string, number> }>(
      "attribution_shapley/shapley_FOL_case.json",
    ).input_as_counts_out_of_100_converting_journeys;
    const folPaths = Object.entries(fol)
      .filter(([, n]) => n > 0)
      .map(([set, n]) => ({ path: set.split("+").join(" > "), conversions: n }));
    await importCsv(db, "journeys", journeysCsv("fol", folPaths), { timezone: "UTC", dataset: "fol" });
    await generateDemo(db, { customers: 1500, seed: 11, endDate: "2026-10-31" });
  });
  afterAll(async () => {
    await db?.close();
  });

  it("first, last and linear touch equal ChannelAttribution on Data.csv to 1e-6", async () => {
    const expected = readJson<{ heuristic_models: Record<string, number | string>[] }>(
      "attribution_channelattribution/expected_channelattribution.json",
    ).heuristic_models;
    for (const [model, prefix] of [
      ["first_touch", "first_touch"],
      ["last_touch", "last_touch"],
      ["linear", "linear_touch"],
    ] as const) {
      const result = await attribution(db, { journeys_dataset: "ca_data", model });
      const rows = byKey(result.rows);
      for (const e of expected) {
        const row = rows.get(e.channel_name as string);
        expect(row?.conversions, `${model} ${e.channel_name}`).toBeCloseTo(e[`${prefix}_conversions`] as number, 6);
        expect(row?.revenue, `${model} ${e.channel_name}`).toBeCloseTo(e[`${prefix}_value`] as number, 6);
      }
      expect(result.totals.conversions).toBeCloseTo(19_785, 6);
    }
  });

  it("exact order-1 Markov equals the derived absorbing-chain solution to 1e-6, with and without nulls", async () => {
    const exact = readJson<
      Record<string, { channels: { channel_name: string; removal_effect: number; total_conversions: number }[] }>
    >("attribution_channelattribution/expected_markov_exact_order1.json");
    for (const [variant, includeNulls] of [
      ["with_null", true],
      ["without_null", false],
    ] as const) {
      const result = await attribution(db, {
        journeys_dataset: "ca_data",
        model: "markov",
        include_null_paths: includeNulls,
      });
      const rows = byKey(result.rows);
      const effects = new Map(result.markov?.removal_effects.map((e) => [e.key, e.removal_effect]));
      for (const e of exact[variant]?.channels ?? []) {
        expect(Math.abs((rows.get(e.channel_name)?.conversions ?? 0) - e.total_conversions)).toBeLessThan(1e-6);
        expect(Math.abs((effects.get(e.channel_name) ?? 0) - e.removal_effect)).toBeLessThan(1e-6);
      }
      expect(result.totals.conversions).toBeCloseTo(19_785, 6);
    }
  });

  it("stays close to ChannelAttribution's simulated Markov on the big channels", async () => {
    const simulated = readJson<{ markov_model: Record<string, { channel_name: string; total_conversions: number }[]> }>(
      "attribution_channelattribution/expected_channelattribution.json",
    ).markov_model.markov_order1_nullTrue;
    const rows = byKey((await attribution(db, { journeys_dataset: "ca_data", model: "markov" })).rows);
    // The package is a Monte-Carlo simulation over ~2,350 paths (reference README); its two largest channels have
    // sampling error < 2%, so the exact solution must sit within 3% of them.
    for (const name of ["alpha", "eta", "iota"]) {
      const sim = simulated?.find((s) => s.channel_name === name)?.total_conversions ?? 0;
      expect(Math.abs((rows.get(name)?.conversions ?? 0) / sim - 1), name).toBeLessThan(0.03);
    }
  });

  it("reproduces the published toy cases exactly", async () => {
    const vignette = await attribution(db, { journeys_dataset: "vignette", model: "markov", compare_models: true });
    const v = byKey(vignette.rows);
    expect(v.get("A")?.conversions).toBeCloseTo(2, 9);
    expect(v.get("B")?.conversions).toBeCloseTo(1, 9);
    const effects = new Map(vignette.markov?.removal_effects.map((e) => [e.key, e.removal_effect]));
    expect(effects.get("A")).toBeCloseTo(1, 9);
    expect(effects.get("B")).toBeCloseTo(0.5, 9);
    const compare = new Map(vignette.comparison?.map((r) => [r.key, r]));
    expect(compare.get("A")?.first_touch).toBe(3);
    expect(compare.get("B")?.last_touch).toBe(0);
    const c123 = byKey((await attribution(db, { journeys_dataset: "c123", model: "markov" })).rows);
    expect(c123.get("c1")?.conversions).toBeCloseTo(0.2, 9);
    expect(c123.get("c2")?.conversions).toBeCloseTo(0.4, 9);
    expect(c123.get("c3")?.conversions).toBeCloseTo(0.4, 9);
    const fol = byKey((await attribution(db, { journeys_dataset: "fol", model: "shapley" })).rows);
    expect(fol.get("F")?.share).toBeCloseTo(0.455, 6);
    expect(fol.get("O")?.share).toBeCloseTo(0.205, 6);
    expect(fol.get("L")?.share).toBeCloseTo(0.34, 6);
  });

  it("attributes demo orders once each, with spend, CPA and ROAS, under every model", async () => {
    const result = await attribution(db, { start: "2026-05-01", end: "2026-10-31", compare_models: true });
    expect(result.totals.orders).toBeGreaterThan(0);
    // Every order is either credited once in total or reported as having no touch in the window.
    expect(result.totals.conversions + result.totals.orders_without_touch).toBeCloseTo(result.totals.orders ?? 0, 6);
    const shares = result.rows.reduce((s, r) => s + (r.share ?? 0), 0);
    expect(shares).toBeCloseTo(1, 4);
    for (const model of [
      "first_touch",
      "last_touch",
      "linear",
      "time_decay",
      "position_based",
      "markov",
      "shapley",
      "last_non_direct",
    ]) {
      const total = (result.comparison ?? []).reduce((s, r) => s + Number(r[model] ?? 0), 0);
      expect(total, model).toBeCloseTo(result.totals.conversions, 3);
    }
    const paid = result.rows.find((r) => r.key === "douyin_ads");
    expect(paid?.spend).toBeGreaterThan(0);
    expect(paid?.cpa).toBeCloseTo((paid?.spend ?? 0) / (paid?.conversions ?? 1), 4);
    expect(paid?.roas).toBeCloseTo((paid?.revenue ?? 0) / (paid?.spend ?? 1), 4);
    const direct = result.rows.find((r) => r.key === "direct");
    expect(direct?.spend ?? null).toBeNull();
    expect(direct?.roas ?? null).toBeNull();
  });

  it("credits first orders' last touch to the acquisition channel (the generator's rule)", async () => {
    const lastTouch = await attribution(db, {
      start: "2025-11-01",
      end: "2026-10-31",
      model: "last_touch",
      conversion: "first_orders",
    });
    const { rows } = await db.pool.query<{ code: string; n: number }>(
      `SELECT ch.code, count(*)::int AS n FROM customers c JOIN channels ch ON ch.id = c.acquisition_channel_id
       WHERE EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id
                     AND o.ordered_at >= '2025-11-01T00:00:00+08:00' AND o.ordered_at < '2026-11-01T00:00:00+08:00'
                     AND NOT EXISTS (SELECT 1 FROM orders p WHERE p.customer_id = c.id AND p.ordered_at < o.ordered_at))
       GROUP BY 1`,
    );
    const credited = byKey(lastTouch.rows);
    for (const row of rows) expect(credited.get(row.code)?.conversions ?? 0, row.code).toBe(row.n);
  });

  it("gives platform and campaign granularity and filters by region", async () => {
    const platforms = await attribution(db, {
      start: "2026-05-01",
      end: "2026-10-31",
      granularity: "platform",
      model: "linear",
    });
    expect(platforms.rows.map((r) => r.key)).toContain("Google Ads");
    const campaigns = await attribution(db, {
      start: "2026-05-01",
      end: "2026-10-31",
      granularity: "campaign",
      model: "linear",
    });
    expect(campaigns.rows.some((r) => /^CMP-\d+$/.test(r.key) && (r.spend ?? 0) > 0)).toBe(true);
    const all = await attribution(db, { start: "2026-05-01", end: "2026-10-31", model: "linear" });
    const east = await attribution(db, {
      start: "2026-05-01",
      end: "2026-10-31",
      model: "linear",
      region: "East China",
    });
    expect(east.totals.conversions).toBeGreaterThan(0);
    expect(east.totals.conversions).toBeLessThan(all.totals.conversions);
  });

  it("answers empty periods without NaN and rejects bad arguments specifically", async () => {
    const empty = await attribution(db, { start: "2020-01-01", end: "2020-01-31" });
    expect(empty.rows).toEqual([]);
    expect(empty.summary).toContain("No attributable conversions");
    const bad = async (args: Record<string, unknown>) => {
      const outcome = await invokeTool(db, "compute_attribution", args, context);
      return outcome.ok ? "" : outcome.error;
    };
    expect(await bad({ start: "2026-10-31", end: "2026-10-01" })).toContain(
      "end (2026-10-01) is before start (2026-10-31)",
    );
    expect(await bad({ start: "2026-02-30" })).toContain("start: not a real calendar date");
    expect(await bad({ acquisition_channel: "myspace" })).toMatch(
      /acquisition_channel: unknown channel code "myspace"; known: .*douyin_ads/,
    );
    expect(await bad({ region: "Atlantis" })).toMatch(/region: unknown region "Atlantis"/);
    expect(await bad({ journeys_dataset: "nope" })).toMatch(
      /journeys_dataset: no imported data set named "nope"; available: .*ca_data/,
    );
    expect(await bad({ model: "magic" })).toContain("model:");
    expect(await bad({ first_weight: 0.7, last_weight: 0.5 })).toContain(
      "first_weight + last_weight must not exceed 1",
    );
  });
});
