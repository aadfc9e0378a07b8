import { channelIdFor } from "../known-values.ts";
import { formatPercent } from "../number-format.ts";
import { addDays, todayIn } from "../period.ts";
import { defineTool, ROLES, ToolInputError } from "../tool.ts";
import { fetchDailySeries, fetchTarget } from "./forecast.queries.ts";
import { ForecastInput } from "./forecast.schema.ts";
import { forecastWithHolidays } from "./holidays.model.ts";
import { quantile, simulateTotals } from "./simulate.model.ts";

const MAX_HORIZON = 90;
const Z95 = 1.959964;
const r2 = (x: number) => Math.round(x * 100) / 100;
const days = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);
const monthStart = (day: string) => `${day.slice(0, 7)}-01`;
function monthEnd(day: string): string {
  const d = new Date(`${monthStart(day)}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + 1);
  return addDays(d.toISOString().slice(0, 10), -1);
}

export const forecastMetricTool = defineTool({
  name: "forecast_metric",
  description:
    "Forecasts a daily KPI (revenue, orders, spend, new_customers; total or one channel) to the end of the month or a " +
    "given day, each day with value and a 95% prediction interval (additive Holt-Winters with a weekly season, fitted " +
    "on the last 182 days), and the month's projected total (actual so far + forecast). With a target (given, or the " +
    "stored monthly target) it says on track / at risk and the probability of reaching it. 'Will we hit this month's " +
    "revenue target?'",
  input: ForecastInput,
  roles: ROLES,
  access: "read",
  async run(input, context) {
    const today = todayIn(context);
    const lastActual = addDays(today, -1);
    const until = input.until ?? monthEnd(today);
    if (until < today) {
      throw new ToolInputError(
        `until (${until}) is not in the future; give a day from ${today} on (the forecast starts today)`,
      );
    }
    const horizon = days(today, until) + 1;
    if (horizon > MAX_HORIZON) {
      throw new ToolInputError(
        `until (${until}) is ${horizon} days ahead; forecasts go at most ${MAX_HORIZON} days ahead`,
      );
    }
    const channelId = input.channel ? await channelIdFor(context.db, "channel", input.channel) : null;
    const month = monthStart(until);
    // History reaches back to the forecast month's first day at least, so "actual so far" comes from the same series.
    const historyStart = [addDays(lastActual, -(input.history_days - 1)), month].sort()[0] as string;
    const series = await fetchDailySeries(
      context.db,
      input.metric,
      historyStart,
      lastActual,
      context.timezone,
      channelId,
    );
    const y = series.map((p) => p.value);
    const fromStep = Math.max(0, days(today, month));
    const toStep = Math.min(days(today, monthEnd(until)) + 1, MAX_HORIZON + 31);
    // Holt-Winters on the series with retail events taken out, each event's learnt factor put back (holidays.model).
    const model = forecastWithHolidays(
      y,
      series.map((p) => p.day),
      Math.max(horizon, toStep),
    );
    const { fit } = model;
    const values = model.values.slice(0, horizon);
    const variances = model.variances.slice(0, horizon);
    const points = values.map((value, i) => {
      const half = Z95 * Math.sqrt(variances[i] as number);
      return {
        date: addDays(today, i),
        value: r2(Math.max(0, value)),
        lower: r2(Math.max(0, value - half)),
        upper: r2(Math.max(0, value + half)),
      };
    });
    const actualSoFar = series.filter((p) => p.day >= month).reduce((s, p) => s + p.value, 0);
    const totals = simulateTotals(fit.final, fit.params, fit.sigma2, fromStep, toStep, {
      nonNegative: true,
      multipliers: model.multipliers,
    }).map((t) => t + actualSoFar);
    const target = input.target ?? (await fetchTarget(context.db, month, input.metric, input.channel ?? null));
    const probability = target === null ? null : totals.filter((t) => t >= target).length / totals.length;
    const projected = quantile(totals, 0.5);
    const pacing = {
      month: month.slice(0, 7),
      actual_to_date: r2(actualSoFar),
      actual_through: month <= lastActual ? lastActual : null,
      projected_total: r2(projected),
      projected_lower: r2(quantile(totals, 0.025)),
      projected_upper: r2(quantile(totals, 0.975)),
      target,
      target_source: target === null ? null : input.target !== undefined ? "argument" : "targets table",
      probability_of_target: probability === null ? null : Math.round(probability * 1000) / 1000,
      status: probability === null ? null : probability >= 0.5 ? "on track" : "at risk",
    };
    return {
      summary: summarise(input.metric, input.channel ?? null, pacing),
      metric: input.metric,
      channel: input.channel ?? null,
      history: { start: historyStart, end: lastActual, days: series.length, timezone: context.timezone },
      model: {
        method:
          "additive Holt-Winters (ETS(A,A,A)), weekly season (m = 7), least-squares parameters, on the series with " +
          "retail events (元旦, 春节, 618, 双11, 双12 and the week after each) replaced; each event's factor put back",
        event_factors: Object.fromEntries(Object.entries(model.factors).map(([k, v]) => [k, r2(v)])),
        events_ahead: [...new Set(model.events.slice(0, horizon).filter((e): e is string => e !== null))],
        alpha: r2(fit.params.alpha * 100) / 100,
        beta: r2(fit.params.beta * 100) / 100,
        gamma: r2(fit.params.gamma * 100) / 100,
        residual_sd: r2(Math.sqrt(fit.sigma2)),
      },
      points,
      pacing,
      definitions: {
        interval:
          "95% prediction interval per day: value +- 1.96 sd, sd from the ETS(A,A,A) formula (fpp2 table 7.8); cut at 0.",
        projected_total:
          "Actual so far in the month + the forecast for its remaining days; median and 95% range of 2,000 simulated futures of the fitted model (seeded).",
        probability_of_target: "Share of the simulated month totals at or above the target; on track when >= 50%.",
        channel:
          "With a channel: spend of its campaigns; revenue, orders and new customers of the customers it acquired.",
        calendar_events:
          "Retail events (元旦, 春节, 618, 双11, 双12; the 7 days after each separately) are multiplicative factors learnt from the history: actual / the event-free model's forecast over their past occurrences. An event the history does not contain (it needs last year's) gets factor 1: the forecast across it is then less reliable.",
      },
    };
  },
});

function summarise(
  metric: string,
  channel: string | null,
  pacing: {
    month: string;
    projected_total: number;
    target: number | null;
    probability_of_target: number | null;
    status: string | null;
  },
): string {
  const what = `${metric}${channel ? ` (${channel})` : ""}`;
  const base = `Projected ${what} for ${pacing.month}: ${pacing.projected_total.toLocaleString("en-US")}`;
  if (pacing.target === null || pacing.probability_of_target === null) return `${base} (no target set).`;
  return `${base} against a target of ${pacing.target.toLocaleString("en-US")}: ${pacing.status}, ${formatPercent(pacing.probability_of_target)} probability of reaching it.`;
}
