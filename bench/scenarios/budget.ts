import { type Curve, curveValue, geometricAdstock } from "../../tools/recommend-budget/curves.model.ts";
import { type FittedChannel, fitResponseCurve } from "../../tools/recommend-budget/fit.model.ts";
import { mulberry32 } from "../../tools/recommend-budget/minimise.model.ts";
import { optimiseBudget } from "../../tools/recommend-budget/optimise.model.ts";
import { invokeTool } from "../../tools/run-tool.ts";
import { BENCH_DEMO } from "../fixtures.ts";
import { type BenchRow, peakRssMiB } from "../report.ts";
import type { BenchSettings } from "../settings.ts";

/** 20 channels x 104 weeks drawn from known curves (four forms, three carry-over rates) with 5% noise. */
function syntheticHistory() {
  const rand = mulberry32(42);
  const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
  return Array.from({ length: 20 }, (_, c) => {
    const m = 1000 * (1 + c);
    const theta = [0, 0.3, 0.6][c % 3] as number;
    const curves: Curve[] = [
      { form: "hill", L: 5 * m, h: (1.5 * m) / (1 - theta), k: 1 },
      { form: "exponential", k: 4 * m, b: (1 - theta) / m },
      { form: "log", alpha: -2 * m * Math.log(m), beta: 2 * m, shift: m },
      { form: "logistic", beta: 3 * m, lam: (1 - theta) / m },
    ];
    const curve = curves[c % 4] as Curve;
    const spend = Array.from({ length: 104 }, () => m * (0.3 + 1.4 * rand()));
    const adstocked = geometricAdstock(spend, theta, (spend[0] as number) / (1 - theta));
    return {
      name: `c${c}`,
      spend,
      outcome: adstocked.map((a) => curveValue(curve, a) * (1 + 0.05 * gauss())),
      current: m,
    };
  });
}

/** Fitting + optimising 20 channels x 104 weeks, the optimiser alone, and the tool on the 10k demo. */
export async function benchBudget(settings: BenchSettings): Promise<BenchRow[]> {
  const history = syntheticHistory();
  const started = performance.now();
  const fits = history.map((h) => fitResponseCurve(h.spend, h.outcome, { bootstrap: 200 }));
  const channels = history.map((h, i) => ({
    name: h.name,
    curve: (fits[i] as FittedChannel).curve,
    current: h.current,
  }));
  const total = history.reduce((s, h) => s + h.current, 0);
  optimiseBudget(channels, { total, maxChange: 0.3 });
  const fitAndOptimise = (performance.now() - started) / 1000;
  const optimiserRuns: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t = performance.now();
    optimiseBudget(channels, { total, maxChange: 0.3 });
    optimiserRuns.push(performance.now() - t);
  }
  optimiserRuns.sort((a, b) => a - b);
  const optimiserMs = optimiserRuns[Math.floor(optimiserRuns.length / 2)] as number;
  const rows: BenchRow[] = [
    {
      scenario: "budget: fit (4 forms x 10 carry-overs, CV, 200 bootstraps) + optimise",
      engine: "node",
      size: "20 channels x 104 weeks",
      metrics: {
        fit_and_optimise_s: Number(fitAndOptimise.toFixed(3)),
        optimiser_median_ms: Number(optimiserMs.toFixed(2)),
      },
      target: "fit + optimise <= 1 s; optimiser <= 50 ms",
      met: fitAndOptimise <= 1 && optimiserMs <= 50,
    },
  ];
  const fixture = await settings.fixtures.demo("pglite", 10_000);
  const t = performance.now();
  const outcome = await invokeTool(
    fixture.db,
    "recommend_budget",
    { end: BENCH_DEMO.endDate },
    {
      caller: { userId: "bench", role: "admin", canSeePii: true },
      timezone: "Asia/Shanghai",
      currency: "CNY",
      now: new Date("2026-11-01T04:00:00Z"),
    },
  );
  if (!outcome.ok) throw new Error(outcome.error);
  rows.push({
    scenario: "budget: recommend_budget end to end (52 weeks, Markov-calibrated)",
    engine: "pglite",
    size: "10,000 customers",
    metrics: { seconds: Number(((performance.now() - t) / 1000).toFixed(2)), peak_rss_mib: peakRssMiB() },
  });
  return rows;
}
