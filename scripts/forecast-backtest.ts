// Rolling-origin backtest of the forecast model on the generated demo: for each origin (every 7 days once 182 days
// of history exist), fit on the previous 182 days, forecast 14 days, and score MAPE and 95% interval coverage.
// Usage: npx tsx scripts/forecast-backtest.ts [customers=20000] [seed=42]

import { migrate } from "../db/migrate.ts";
import { openDatabase } from "../db/pool.ts";
import { generateDemo } from "../derived/demo.ts";
import { fetchDailySeries } from "../tools/forecast/forecast.queries.ts";
import type { ForecastMetric } from "../tools/forecast/forecast.schema.ts";
import { fitHoltWinters, forecastPoints, forecastVariances } from "../tools/forecast/holt-winters.model.ts";

const customers = Number(process.argv[2] ?? 20_000);
const seed = Number(process.argv[3] ?? 42);
const HISTORY = 182;
const HORIZON = 14;
const db = await openDatabase({ dataDir: "memory://" });
await migrate(db.pool);
await generateDemo(db, { customers, seed, endDate: "2026-10-31" });
for (const metric of ["revenue", "orders", "spend", "new_customers"] as ForecastMetric[]) {
  const series = await fetchDailySeries(db.pool, metric, "2025-11-01", "2026-10-31", "Asia/Shanghai", null);
  const y = series.map((p) => p.value);
  let apeSum = 0;
  let apeCount = 0;
  let inside = 0;
  let total = 0;
  let origins = 0;
  for (let origin = HISTORY; origin + HORIZON <= y.length; origin += 7) {
    const fit = fitHoltWinters(y.slice(origin - HISTORY, origin), 7);
    const points = forecastPoints(fit.final, HORIZON);
    const variances = forecastVariances(fit.params, 7, fit.sigma2, HORIZON);
    origins++;
    for (let h = 0; h < HORIZON; h++) {
      const actual = y[origin + h] as number;
      const value = Math.max(0, points[h] as number);
      const half = 1.959964 * Math.sqrt(variances[h] as number);
      if (actual > 0) {
        apeSum += Math.abs(actual - value) / actual;
        apeCount++;
      }
      if (Math.abs(actual - (points[h] as number)) <= half) inside++;
      total++;
    }
  }
  console.log(
    `${metric.padEnd(14)} origins=${origins} points=${total} MAPE=${((100 * apeSum) / apeCount).toFixed(1)}% coverage95=${((100 * inside) / total).toFixed(1)}%`,
  );
}
await db.close();
