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
