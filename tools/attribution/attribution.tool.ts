import { fetchFreshness } from "../freshness.ts";
import { assertKnownRegion, channelIdFor } from "../known-values.ts";
import { formatCount, formatPercent, formatRatio } from "../number-format.ts";
import { resolvePeriod } from "../period.ts";
import { defineTool, ROLES, type ToolContext, ToolInputError } from "../tool.ts";
import {
  fetchDatasetJourneys,
  fetchDatasetNames,
  fetchJourneys,
  fetchSpend,
  fetchTimeDecayCredits,
  type JourneyFilter,
} from "./attribution.queries.ts";
import { ComputeAttributionInput } from "./attribution.schema.ts";
import {
  ATTRIBUTION_MODELS,
  type ChannelCredit,
  type Journey,
  MODEL_DEFINITIONS,
  type ModelParams,
  type ModelRun,
  openersAndClosers,
  runModel,
} from "./index.model.ts";

/** Rounds for output: 6 decimals keeps reference-grade precision without float noise. */
const r6 = (x: number) => Math.round(x * 1e6) / 1e6;
/** Ratio or null with the reason, never NaN or Infinity. */
function ratio(numerator: number, denominator: number): number | null {
  return denominator > 0 && Number.isFinite(numerator) ? r6(numerator / denominator) : null;
}

export const computeAttributionTool = defineTool({
  name: "compute_attribution",
  description:
    "Attributes real orders to channels, platforms or campaigns with an explicit model (first/last touch, last non-direct, " +
    "linear, time decay, position based, exact Markov chain of order 1-3, Shapley), each order credited once. Returns per key " +
    "attributed conversions and revenue, share, spend, CPA and ROAS, whether it opens or closes journeys, and optionally " +
    "every model side by side. Journeys come from touchpoints (lookback window before each order) or an imported path file.",
  input: ComputeAttributionInput,
  roles: ROLES,
  access: "read",
  async run(input, context) {
    const params: ModelParams = {
      order: input.markov_order,
      includeNulls: input.include_null_paths,
      includeTransitionMatrix: input.include_transition_matrix,
      halfLifeDays: input.half_life_days,
      firstWeight: input.first_weight,
      lastWeight: input.last_weight,
      directChannels: input.direct_channels,
    };
    const source = input.journeys_dataset
      ? await loadDataset(context, input.journeys_dataset)
      : await loadTouchpoints(context, input);
    const compared = input.compare_models === true ? ATTRIBUTION_MODELS : input.compare_models || [];
    const models = [input.model, ...compared.filter((m) => m !== input.model)];
    const runs = new Map<string, ChannelCredit[]>();
    let primary: ModelRun | undefined;
    for (const model of models) {
      if (model === "time_decay" && source.filter) {
        // Touch ages make journeys nearly unique, so time decay is computed in SQL from the raw touches.
        runs.set(model, await fetchTimeDecayCredits(context.db, source.filter, input.half_life_days));
        continue;
      }
      const run = runModel(model, source.journeys, params);
      runs.set(model, run.credits);
      if (model === input.model) primary = run;
    }
    const credits = runs.get(input.model) ?? [];
    const totalConversions = credits.reduce((s, c) => s + c.conversions, 0);
    const roles = new Map(openersAndClosers(source.journeys).map((r) => [r.channel, r]));
    const rows = credits
      .map((c) => {
        const spend = source.spend.get(c.channel) ?? null;
        const role = roles.get(c.channel);
        return {
          key: c.channel,
          conversions: r6(c.conversions),
          revenue: r6(c.value),
          share: ratio(c.conversions, totalConversions),
          spend,
          cpa: spend === null ? null : ratio(spend, c.conversions),
          roas: spend === null ? null : ratio(c.value, spend),
          role: role?.label ?? "both",
          first_touch_share: role ? r6(role.firstTouchShare) : 0,
          last_touch_share: role ? r6(role.lastTouchShare) : 0,
        };
      })
      .sort((a, b) => b.conversions - a.conversions || a.key.localeCompare(b.key));
    const comparison = compared.length > 0 ? compareRows(runs) : undefined;
    const markov =
      primary && primary.model === "markov" && "removalEffects" in primary
        ? {
            order: primary.order,
            base_conversion_probability: r6(primary.baseConversionProbability),
            removal_effects: primary.removalEffects.map((e) => ({ key: e.channel, removal_effect: r6(e.conversion) })),
            states: primary.stateCount,
            transition_matrix: primary.transitionMatrix,
          }
        : undefined;
    const top = rows[0];
    const summary =
      totalConversions > 0 && top
        ? `${input.model} attribution of ${formatCount(totalConversions)} conversions ${source.periodText}: ` +
          `${top.key} leads with ${formatPercent(top.share ?? 0)} (${formatCount(top.conversions, 1)} conversions` +
          (top.roas !== null ? `, ROAS ${formatRatio(top.roas)}` : "") +
          ")." +
          (source.ordersWithoutTouch > 0
            ? ` ${formatCount(source.ordersWithoutTouch)} orders had no touch in the lookback window and are not attributed.`
            : "")
        : `No attributable conversions ${source.periodText}.`;
    return {
      summary,
      model: input.model,
      definitions: {
        model: MODEL_DEFINITIONS[input.model],
        journeys: source.definition,
        method:
          source.filter && models.includes("time_decay")
            ? `${source.method}; time decay weighs each raw touch by its age, so its credits are computed from the touchpoints`
            : source.method,
        cpa: "CPA = spend in the period / attributed conversions",
        roas: "ROAS = attributed revenue / spend in the period (revenue per unit of ad spend)",
        role: "opener: first-touch share > 1.2 x last-touch share; closer: the reverse; both: otherwise",
        currency: context.currency,
      },
      period: source.period,
      totals: {
        conversions: r6(totalConversions),
        revenue: r6(credits.reduce((s, c) => s + c.value, 0)),
        orders: source.orders,
        orders_without_touch: source.ordersWithoutTouch,
        distinct_paths: source.journeys.length,
        non_converting_journeys: source.journeys.reduce((s, j) => s + j.nulls, 0),
      },
      rows,
      comparison,
      markov,
      data_freshness: source.freshness,
    };
  },
});

interface JourneySource {
  journeys: Journey[];
  filter: JourneyFilter | null;
  spend: Map<string, number>;
  orders: number | null;
  ordersWithoutTouch: number;
  period: { start: string; end: string; timezone: string } | null;
  periodText: string;
  definition: string;
  /** Where the journeys came from (stored paths, raw touchpoint walk and why, or an imported data set). */
  method: string;
  freshness: unknown;
}

async function loadDataset(context: ToolContext, dataset: string): Promise<JourneySource> {
  const journeys = await fetchDatasetJourneys(context.db, dataset);
  if (journeys.length === 0) {
    const names = await fetchDatasetNames(context.db);
    throw new ToolInputError(
      `journeys_dataset: no imported data set named "${dataset}"; available: ${names.length ? names.join(", ") : "none (import one with beacon import journeys)"}`,
    );
  }
  return {
    journeys,
    filter: null,
    spend: new Map(),
    orders: null,
    ordersWithoutTouch: 0,
    period: null,
    periodText: `in data set ${dataset}`,
    definition: `Imported aggregated paths (data set ${dataset}); touch ages unknown, so time decay counts touches before the conversion.`,
    method: `aggregated paths imported as data set ${dataset}`,
    freshness: { source: `journey_paths dataset ${dataset}` },
  };
}

async function loadTouchpoints(
  context: ToolContext,
  input: ReturnType<typeof ComputeAttributionInput.parse>,
): Promise<JourneySource> {
  const { start, end } = resolvePeriod(input.start, input.end, context, 90);
  const acquisitionChannelId = input.acquisition_channel
    ? await channelIdFor(context.db, "acquisition_channel", input.acquisition_channel)
    : null;
  if (input.region) await assertKnownRegion(context.db, "region", input.region);
  const filter: JourneyFilter = {
    start,
    end,
    timezone: context.timezone,
    lookbackDays: input.lookback_days,
    firstOrdersOnly: input.conversion === "first_orders",
    region: input.region ?? null,
    acquisitionChannelId,
    granularity: input.granularity,
  };
  const aggregate = await fetchJourneys(context.db, filter);
  return {
    journeys: aggregate.journeys,
    filter,
    spend: await fetchSpend(context.db, filter),
    orders: aggregate.orders,
    ordersWithoutTouch: aggregate.ordersWithoutTouch,
    period: { start, end, timezone: context.timezone },
    periodText: `from ${start} to ${end}`,
    definition:
      `Conversions: ${input.conversion === "first_orders" ? "first orders" : "all orders"} placed ${start}..${end} (${context.timezone})` +
      `${input.region ? ` by customers in ${input.region}` : ""}${input.acquisition_channel ? ` acquired via ${input.acquisition_channel}` : ""}. ` +
      `A journey is the customer's touches in the ${input.lookback_days} days before the order and after their previous order; ` +
      "non-converting journeys are touches in the period after a customer's last order.",
    method: aggregate.method,
    freshness: await fetchFreshness(context.db),
  };
}

/** One row per key with every model's conversions, so differences between models are visible. */
function compareRows(runs: Map<string, ChannelCredit[]>): Record<string, number | string>[] {
  const keys = new Set<string>();
  for (const credits of runs.values()) for (const c of credits) keys.add(c.channel);
  return [...keys].sort().map((key) => {
    const row: Record<string, number | string> = { key };
    for (const [model, credits] of runs) row[model] = r6(credits.find((c) => c.channel === key)?.conversions ?? 0);
    return row;
  });
}
