import { fetchFreshness } from "../freshness.ts";
import { channelIdFor } from "../known-values.ts";
import { formatPercent } from "../number-format.ts";
import { addDays, resolvePeriod } from "../period.ts";
import { defineTool, ROLES } from "../tool.ts";
import { biggestDrop, type FunnelStep, funnelSteps, sumCounts, withPrevious } from "./funnel.model.ts";
import { type FunnelCounts, fetchFunnelCounts } from "./funnel.queries.ts";
import { FunnelInput } from "./funnel.schema.ts";

const DEFAULT_DAYS = 28;
const r4 = (x: number | null | undefined) => (x === null || x === undefined ? null : Math.round(x * 1e4) / 1e4);
const dayCount = (start: string, end: string) => (Date.parse(end) - Date.parse(start)) / 86_400_000 + 1;

export const funnelTool = defineTool({
  name: "compute_funnel",
  description:
    "Marketing funnel per channel (or in total): ad impressions -> clicks -> web sessions (when GA4 data was imported) " +
    "-> first orders (new buyers by acquisition channel) -> repeat buyers (new buyers who ordered again in the period), " +
    "with each step's conversion, the change against the previous period of the same length, and the step that dropped " +
    "most. Answers 'where do we lose people between click and purchase?'.",
  input: FunnelInput,
  roles: ROLES,
  access: "read",
  async run(input, context) {
    const { start, end } = resolvePeriod(input.start, input.end, context, DEFAULT_DAYS);
    const days = dayCount(start, end);
    const previous = { start: addDays(start, -days), end: addDays(start, -1) };
    const channelId = input.channel ? await channelIdFor(context.db, "channel", input.channel) : null;
    const now = await fetchFunnelCounts(context.db, start, end, context.timezone, channelId);
    const before =
      input.compare === "none"
        ? null
        : await fetchFunnelCounts(context.db, previous.start, previous.end, context.timezone, channelId);
    const groups = (list: FunnelCounts[]) =>
      input.group_by === "total" ? [{ ...sumCounts(list), channel: "total" }] : list;
    const rows = groups(now)
      .map((counts) => {
        const earlier = before ? groups(before).find((b) => b.channel === counts.channel) : undefined;
        const steps = earlier ? withPrevious(funnelSteps(counts), funnelSteps(earlier)) : funnelSteps(counts);
        const drop = biggestDrop(steps);
        return {
          channel: counts.channel ?? "(unknown)",
          impressions: counts.impressions,
          clicks: counts.clicks,
          sessions: counts.sessions,
          first_orders: counts.firstOrders,
          repeat_buyers: counts.repeatBuyers,
          ctr: r4(stepOf(steps, "clicks")?.conversion),
          first_order_rate: r4(stepOf(steps, "first_orders")?.conversion),
          repeat_rate: r4(stepOf(steps, "repeat_buyers")?.conversion),
          biggest_drop: drop ? drop.step : null,
          steps: steps.map(rounded),
        };
      })
      .sort((a, b) => b.first_orders - a.first_orders || a.channel.localeCompare(b.channel));
    return {
      summary: summarise(rows, start, end, before !== null),
      period: { start, end, timezone: context.timezone },
      comparison_period: before ? previous : null,
      group_by: input.group_by,
      filters: { channel: input.channel ?? null },
      definitions: {
        impressions_clicks: "Sums of the ad platforms' daily reports (ad_spend_daily) for the channel's campaigns.",
        sessions:
          "GA4 sessions whose channel group maps to the channel; the step is left out when no web analytics were imported for the period.",
        first_orders:
          "Customers whose first order ever falls in the period, by acquisition channel. Unpaid channels have first orders without impressions or clicks; first_orders / clicks (or / sessions) is a rate per click, not a strict subset.",
        repeat_buyers: "Those first-order customers who ordered again within the period.",
        conversion: "Each step's count / the count of the step before it (fraction 0..1).",
        biggest_drop:
          "The step whose conversion fell most against the previous period of the same length (relative change), among falls of at least 10% that a two-proportion z-test finds significant at 0.01; null when none did.",
      },
      rows,
      data_freshness: await fetchFreshness(context.db),
    };
  },
});

const stepOf = (steps: FunnelStep[], name: FunnelStep["step"]) => steps.find((s) => s.step === name);

function rounded(step: FunnelStep): FunnelStep {
  return {
    ...step,
    conversion: r4(step.conversion),
    ...(step.previous_conversion !== undefined
      ? {
          previous_conversion: r4(step.previous_conversion),
          change: r4(step.change),
          relative_change: r4(step.relative_change),
          p_value: step.p_value === null || step.p_value === undefined ? null : Number(step.p_value.toPrecision(3)),
        }
      : {}),
  };
}

function summarise(
  rows: { channel: string; first_orders: number; biggest_drop: string | null; steps: FunnelStep[] }[],
  start: string,
  end: string,
  compared: boolean,
): string {
  const firsts = rows.reduce((s, r) => s + r.first_orders, 0);
  const base = `${firsts} first orders across ${rows.length} funnel(s), ${start} to ${end}.`;
  if (!compared) return base;
  const drops = rows
    .map((r) => ({ r, step: r.steps.find((s) => s.step === r.biggest_drop) }))
    .filter((d) => d.step)
    .sort((a, b) => (a.step?.relative_change ?? 0) - (b.step?.relative_change ?? 0));
  const worst = drops[0];
  if (!worst?.step)
    return `${base} No step's conversion fell significantly (>= 10%, p < 0.01) against the previous period.`;
  return `${base} Biggest drop: ${worst.r.channel} ${worst.step.step} conversion ${formatPercent(worst.step.previous_conversion ?? 0)} -> ${formatPercent(worst.step.conversion ?? 0)} (${formatPercent(worst.step.relative_change ?? 0)} relative).`;
}
