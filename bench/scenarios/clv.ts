import type { Database } from "../../db/pool.ts";
import { fitBgNbd } from "../../tools/estimate-clv/bg-nbd.model.ts";
import { fitGammaGamma } from "../../tools/estimate-clv/gamma-gamma.model.ts";
import { simulateBgNbd } from "../../tools/estimate-clv/simulate.model.ts";
import { invokeTool } from "../../tools/run-tool.ts";
import { BENCH_DEMO } from "../fixtures.ts";
import { type BenchRow, peakRssMiB } from "../report.ts";
import type { BenchSettings } from "../settings.ts";

const CALLER = { userId: "bench", role: "admin" as const, canSeePii: true };
const OPTIONS = { caller: CALLER, timezone: "Asia/Shanghai", currency: "CNY", now: new Date("2026-11-01T04:00:00Z") };
/** The CDNOW estimates (weeks) as the population for the synthetic customers. */
const POPULATION = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

/** Medians of three wall-clock timings in seconds per measure, run in turn each round (load hits them alike). */
async function interleavedMedians3(works: (() => Promise<unknown>)[]): Promise<number[]> {
  const seconds = works.map(() => [] as number[]);
  for (let i = 0; i < 3; i++) {
    for (const [k, work] of works.entries()) {
      const started = performance.now();
      await work();
      seconds[k]?.push((performance.now() - started) / 1000);
    }
  }
  return seconds.map((xs) => xs.sort((a, b) => a - b)[1] ?? 0);
}

/**
 * The CLV floor: the one SQL pass the models cannot do without, each customer's purchase days (x, t_x, T, mean
 * repeat value) aggregated to distinct histories per acquisition channel, from the same orders, in the same run.
 */
const CLV_FLOOR_SQL = `
  WITH daily AS (
    SELECT customer_id, (ordered_at AT TIME ZONE $2)::date AS day, sum((amount * 100)::bigint) AS cents
    FROM orders WHERE ordered_at < ($1::date + 1)::timestamp AT TIME ZONE $2 GROUP BY 1, 2),
  per_customer AS (
    SELECT customer_id, count(*) - 1 AS x, min(day) AS first_day, max(day) AS last_day, sum(cents) AS cents
    FROM daily GROUP BY 1)
  SELECT c.acquisition_channel_id, pc.x, pc.last_day - pc.first_day, $1::date - pc.first_day, count(*), sum(pc.cents)
  FROM per_customer pc JOIN customers c ON c.id = pc.customer_id GROUP BY 1, 2, 3, 4`;

/** estimate_clv by acquisition channel through the tool against its SQL floor: medians of 3 and the ratio. */
export async function benchClvOn(db: Database, engine: "pglite" | "postgres", size: string): Promise<BenchRow[]> {
  const [floor = 0, tool = 0] = await interleavedMedians3([
    () => db.pool.query(CLV_FLOOR_SQL, [BENCH_DEMO.endDate, OPTIONS.timezone]),
    async () => {
      const outcome = await invokeTool(
        db,
        "estimate_clv",
        { group_by: "acquisition_channel", end: BENCH_DEMO.endDate },
        OPTIONS,
      );
      if (!outcome.ok) throw new Error(outcome.error);
    },
  ]);
  const big = engine === "postgres" && size.startsWith("1,000,000");
  return [
    {
      scenario: "CLV: estimate_clv bg_nbd by acquisition channel (median of 3)",
      engine,
      size,
      metrics: {
        tool_s: Number(tool.toFixed(2)),
        floor_s: Number(floor.toFixed(2)),
        tool_to_floor: Number((tool / floor).toFixed(2)),
      },
      target: big ? "estimate_clv by acquisition channel <= 3 s at 1M customers on the server" : undefined,
      met: big ? tool <= 3 : undefined,
    },
  ];
}

/** BG/NBD MLE on 100k synthetic customers, and estimate_clv end to end on the 10k PGlite demo. */
export async function benchClv(settings: BenchSettings): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const customers = 100_000;
  const data = simulateBgNbd(POPULATION, customers, { seed: 42, minT: 39, maxT: 78 });
  const started = performance.now();
  const fit = fitBgNbd(data);
  const fitSeconds = (performance.now() - started) / 1000;
  const relErr = Math.max(
    Math.abs(fit.params.r / POPULATION.r - 1),
    Math.abs(fit.params.alpha / POPULATION.alpha - 1),
    Math.abs(fit.params.a / POPULATION.a - 1),
    Math.abs(fit.params.b / POPULATION.b - 1),
  );
  const repeat = { x: Array.from(data.x).filter((x) => x > 0), m: [] as number[] };
  repeat.m = repeat.x.map((_, i) => 20 + (i % 17));
  const ggStarted = performance.now();
  fitGammaGamma(repeat);
  const ggSeconds = (performance.now() - ggStarted) / 1000;
  rows.push({
    scenario: "CLV: BG/NBD MLE, synthetic (seeded)",
    engine: "node",
    size: `${customers.toLocaleString("en-US")} customers`,
    metrics: {
      fit_s: Number(fitSeconds.toFixed(2)),
      max_param_rel_error: Number(relErr.toFixed(4)),
      gamma_gamma_fit_s: Number(ggSeconds.toFixed(2)),
      repeat_buyers: repeat.x.length,
    },
    target: "BG/NBD fit <= 5 s",
    met: fitSeconds <= 5,
  });
  const fixture = await settings.fixtures.demo("pglite", 10_000);
  for (const args of [
    { group_by: "none" },
    { group_by: "acquisition_channel" },
    { group_by: "none", model: "pareto_nbd" },
  ] as const) {
    const toolStarted = performance.now();
    const outcome = await invokeTool(fixture.db, "estimate_clv", { ...args, end: BENCH_DEMO.endDate }, OPTIONS);
    const seconds = (performance.now() - toolStarted) / 1000;
    if (!outcome.ok) throw new Error(outcome.error);
    rows.push({
      scenario: `CLV: estimate_clv ${"model" in args ? args.model : "bg_nbd"}, group_by ${args.group_by}`,
      engine: "pglite",
      size: "10,000 demo customers",
      metrics: { end_to_end_s: Number(seconds.toFixed(2)), peak_rss_mib: peakRssMiB() },
    });
  }
  return rows;
}
