import {
  describeThresholds,
  fetchTierThresholds,
  VALUE_TIER_DEFINITION,
} from "../find-customers/value-tier.queries.ts";
import { fetchFreshness } from "../freshness.ts";
import { assertKnownRegion, channelIdFor } from "../known-values.ts";
import { formatCount, formatPercent } from "../number-format.ts";
import { resolvePeriod } from "../period.ts";
import { maskingNote, maskName } from "../pii.ts";
import { defineTool, ROLES, type ToolContext, ToolInputError } from "../tool.ts";
import {
  OTHERS,
  REFERENCE_RFM_SEGMENTS,
  RFM_DEFINITION,
  type RfmSegmentRule,
  ruleProblems,
  segmentCells,
  segmentNames,
} from "./rfm.model.ts";
import {
  fetchCampaign,
  fetchCampaignSample,
  fetchSegments,
  type SegmentExample,
  type SegmentGroup,
  type SegmentQuery,
  type SegmentQueryResult,
} from "./segment-customers.queries.ts";
import { SegmentCustomersInput } from "./segment-customers.schema.ts";
import {
  DEFAULT_PERIOD_DAYS,
  DIMENSION_DEFINITIONS,
  type Dimension,
  LABEL_ORDER,
  RFM_ACTIONS,
  type SegmentAggregate,
  safeRatio,
  segmentRows,
  sumBy,
  TIER_ACTIONS,
} from "./segments.model.ts";

const r2 = (x: number) => Math.round(x * 100) / 100;
const r4 = (x: number) => Math.round(x * 1e4) / 1e4;

/** The rule list: reference names resolved, custom rules checked. */
function resolveRules(input: SegmentCustomersInput["rfm_segments"]): RfmSegmentRule[] {
  if (!input) return [...REFERENCE_RFM_SEGMENTS];
  const rules = input.map((item, i) => {
    if (typeof item !== "string") return item;
    const rule = REFERENCE_RFM_SEGMENTS.find((r) => r.name === item);
    if (!rule) throw new ToolInputError(`rfm_segments.${i}: unknown segment rule name "${item}"`);
    return rule;
  });
  const problems = ruleProblems(rules);
  if (problems.length > 0) throw new ToolInputError(problems.join("; "));
  return rules;
}

async function resolveFilters(input: SegmentCustomersInput, context: ToolContext) {
  const acquisitionChannelId = input.acquisition_channel
    ? await channelIdFor(context.db, "acquisition_channel", input.acquisition_channel)
    : null;
  if (input.region) await assertKnownRegion(context.db, "region", input.region);
  let campaign: { id: number; external_id: string; name: string } | null = null;
  if (input.campaign) {
    campaign = await fetchCampaign(context.db, input.campaign);
    if (!campaign) {
      const sample = await fetchCampaignSample(context.db);
      throw new ToolInputError(
        `campaign: no campaign with external id or name "${input.campaign}"; recent: ${sample.join(", ") || "none"}`,
      );
    }
  }
  return { acquisitionChannelId, campaign };
}

export const segmentCustomersTool = defineTool({
  name: "segment_customers",
  description:
    "Segments customers and sizes each segment: value tier (high/mid/low with the playbook action), RFM (R package rfm " +
    "scores and named segments such as Champions, At Risk, Lost), region, city, acquisition channel, purchase frequency band, " +
    "order-value band, preferred channel, discount sensitivity or lifecycle stage (new/active/at risk/lapsed/win-back). " +
    "Per segment: customers, orders, revenue, shares, AOV, orders per customer and example customers; optional cross-tab with " +
    "a second dimension. Filters: period, region, acquisition channel, campaign touched, value tier.",
  input: SegmentCustomersInput,
  roles: ROLES,
  access: "read",
  async run(input, context) {
    const { start, end } = resolvePeriod(input.start, input.end, context, DEFAULT_PERIOD_DAYS);
    const analysisDate = input.analysis_date ?? end;
    if (analysisDate < end) {
      throw new ToolInputError(
        `analysis_date (${analysisDate}) is before end (${end}); recency is measured to a date on or after the period end`,
      );
    }
    if (input.cross_with === input.dimension) {
      throw new ToolInputError(`cross_with: must differ from dimension (both are ${input.dimension})`);
    }
    const rules = resolveRules(input.rfm_segments);
    const { acquisitionChannelId, campaign } = await resolveFilters(input, context);
    // The tier cut scans a year of orders: only when a tier is asked for (memoised per database state).
    const tiers = needsTier(input)
      ? await fetchTierThresholds(context.db, context)
      : { since: "", until: "", highMin: null, midMin: null, buyers: 0, totalRevenue: 0 };
    const query: SegmentQuery = {
      dimension: input.dimension,
      crossWith: input.cross_with ?? null,
      start,
      end,
      timezone: context.timezone,
      analysisDate,
      region: input.region ?? null,
      acquisitionChannelId,
      campaignId: campaign?.id ?? null,
      tier: input.tier ?? null,
      tierWindow: tiers,
      examples: input.examples_per_segment,
    };
    const raw = await fetchSegments(context.db, query);
    const result = nameRfmCells(raw, input.dimension, input.cross_with, rules, input.examples_per_segment);
    const aggregates: SegmentAggregate[] = result.groups.map((g) => ({
      segment: g.a,
      customers: g.customers,
      orders: g.orders,
      revenue: g.revenue,
    }));
    const perSegment = sumBy(aggregates);
    const isRfm = input.dimension === "rfm";
    if (isRfm) {
      // Empty reference segments are reported too, so "none are New Customers" is visible.
      for (const name of segmentNames(rules)) {
        if (!perSegment.some((s) => s.segment === name))
          perSegment.push({ segment: name, customers: 0, orders: 0, revenue: 0 });
      }
    }
    const order = isRfm ? segmentNames(rules) : LABEL_ORDER[input.dimension];
    const recency = new Map<string, number>();
    for (const g of result.groups) recency.set(g.a, (recency.get(g.a) ?? 0) + (g.recency_sum ?? 0));
    const examples = new Map<string, { customer: string; name: string | null; orders: number; revenue: number }[]>();
    for (const e of result.examples) {
      const list = examples.get(e.a) ?? [];
      list.push({
        customer: e.external_id,
        name: context.caller.canSeePii ? e.name : maskName(e.name),
        orders: Number(e.orders),
        revenue: r2(Number(e.revenue)),
      });
      examples.set(e.a, list);
    }
    const rows = segmentRows(perSegment, order).map((row) => {
      const action =
        input.dimension === "value_tier" ? TIER_ACTIONS[row.segment] : isRfm ? RFM_ACTIONS[row.segment] : undefined;
      const avgRecency = isRfm ? safeRatio(recency.get(row.segment) ?? 0, row.customers) : null;
      return {
        ...row,
        ...(isRfm ? { avg_recency_days: avgRecency === null ? null : r2(avgRecency) } : {}),
        ...(action ? { action } : {}),
        examples: examples.get(row.segment) ?? [],
      };
    });
    const crossTab = input.cross_with
      ? result.groups
          .map((g) => ({
            a: g.a,
            b: g.b,
            customers: g.customers,
            orders: g.orders,
            revenue: r2(g.revenue),
            customer_share: safeRatio(
              g.customers,
              perSegment.reduce((s, x) => s + x.customers, 0),
            ),
          }))
          .map((g) => ({ ...g, customer_share: g.customer_share === null ? null : r4(g.customer_share) }))
          .sort((x, y) => x.a.localeCompare(y.a) || y.customers - x.customers || x.b.localeCompare(y.b))
      : undefined;
    const totals = {
      customers: perSegment.reduce((s, x) => s + x.customers, 0),
      orders: perSegment.reduce((s, x) => s + x.orders, 0),
      revenue: r2(perSegment.reduce((s, x) => s + x.revenue, 0)),
    };
    const definitions: Record<string, unknown> = {
      dimension: definitionOf(input.dimension, rules, tiers),
      ...(input.cross_with ? { cross_with: definitionOf(input.cross_with, rules, tiers) } : {}),
      population: populationText(input.dimension, input.cross_with),
      revenue: `Sum of order amounts in the period (${context.currency}); AOV = revenue / orders; orders_per_customer = orders / customers.`,
      shares: "customer_share and revenue_share are fractions (0..1) of the totals in scope, rounded to 4 decimals.",
      ...(needsTier(input) ? { value_tier: describeThresholds(tiers) } : {}),
      ...(result.rfmThresholds ? { rfm_thresholds: rfmThresholdText(result.rfmThresholds) } : {}),
      ...(result.aovEdges ? { aov_band_edges: result.aovEdges.map(r2) } : {}),
      masking: maskingNote(context.caller),
    };
    const filters = {
      region: input.region ?? null,
      acquisition_channel: input.acquisition_channel ?? null,
      campaign: campaign ? `${campaign.external_id} (${campaign.name})` : null,
      tier: input.tier ?? null,
    };
    return {
      summary: summarise(input.dimension, rows, totals, start, end),
      dimension: input.dimension,
      cross_with: input.cross_with ?? null,
      period: { start, end, timezone: context.timezone, ...(isRfm ? { analysis_date: analysisDate } : {}) },
      filters,
      definitions,
      totals,
      rows,
      cross_tab: crossTab,
      data_freshness: await fetchFreshness(context.db),
    };
  },
});

/**
 * SQL groups RFM customers by score cell (100R+10F+M); the segment rules (rfm.model.ts) name the cells here, merging
 * groups and keeping the top examples per segment.
 */
function nameRfmCells(
  raw: SegmentQueryResult,
  dimension: Dimension,
  crossWith: Dimension | undefined,
  rules: readonly RfmSegmentRule[],
  examplesPerSegment: number,
): SegmentQueryResult {
  if (dimension !== "rfm" && crossWith !== "rfm") return raw;
  const cells = segmentCells(rules);
  const names = new Map(cells.cells.map((cell, i) => [String(cell), cells.segments[i] ?? OTHERS]));
  const name = (label: string, isRfm: boolean) => (isRfm ? (names.get(label) ?? OTHERS) : label);
  const merged = new Map<string, SegmentGroup>();
  for (const g of raw.groups) {
    const a = name(g.a, dimension === "rfm");
    const b = name(g.b, crossWith === "rfm");
    const key = JSON.stringify([a, b]);
    const acc = merged.get(key) ?? { a, b, customers: 0, orders: 0, revenue: 0, recency_sum: 0 };
    acc.customers += g.customers;
    acc.orders += g.orders;
    acc.revenue += g.revenue;
    acc.recency_sum = (acc.recency_sum ?? 0) + (g.recency_sum ?? 0);
    merged.set(key, acc);
  }
  let examples = raw.examples;
  if (dimension === "rfm") {
    const kept = new Map<string, SegmentExample[]>();
    const ranked = raw.examples.map((e) => ({ ...e, a: name(e.a, true) }));
    ranked.sort((x, y) => Number(y.revenue) - Number(x.revenue));
    for (const e of ranked) {
      const list = kept.get(e.a) ?? [];
      if (list.length < examplesPerSegment) list.push(e);
      kept.set(e.a, list);
    }
    examples = [...kept.values()].flat();
  }
  return { ...raw, groups: [...merged.values()], examples };
}

function needsTier(input: SegmentCustomersInput): boolean {
  return [input.dimension, input.cross_with].some((d) => d === "value_tier" || d === "lifecycle") || !!input.tier;
}

function definitionOf(
  d: Dimension,
  rules: readonly RfmSegmentRule[],
  tiers: { since: string; until: string },
): unknown {
  if (d === "value_tier") {
    return `${VALUE_TIER_DEFINITION} Window ${tiers.since} to ${tiers.until} (exclusive). Actions per tier from the tiering playbook.`;
  }
  if (d === "rfm") return { model: RFM_DEFINITION, segment_rules: rules };
  return DIMENSION_DEFINITIONS[d];
}

function populationText(d: Dimension, cross: Dimension | undefined): string {
  return d === "rfm" || cross === "rfm"
    ? "Customers with at least one order in the period (RFM scores only buyers), after the filters."
    : "Customers who signed up by the period end or ordered in it, after the filters; customers without orders in the period count with zero orders and revenue.";
}

function rfmThresholdText(t: NonNullable<Awaited<ReturnType<typeof fetchSegments>>["rfmThresholds"]>) {
  const plus1 = (q: number[] | null) => (q ? q.map((x) => r4(x + 1)) : null);
  return {
    customers_scored: t.n,
    recency_days: { thresholds: plus1(t.rq), min: t.rmin, max_plus_1: t.rmax === null ? null : t.rmax + 1 },
    frequency: { thresholds: plus1(t.fq), min: t.fmin, max_plus_1: t.fmax === null ? null : t.fmax + 1 },
    monetary: { thresholds: plus1(t.mq), min: t.mmin, max_plus_1: t.mmax === null ? null : r2(t.mmax + 1) },
  };
}

function summarise(
  dimension: Dimension,
  rows: { segment: string; customers: number; revenue_share: number | null; customer_share: number | null }[],
  totals: { customers: number; revenue: number },
  start: string,
  end: string,
): string {
  if (totals.customers === 0) return `No customers in scope for ${dimension} segments from ${start} to ${end}.`;
  const top = [...rows].sort((a, b) => (b.revenue_share ?? 0) - (a.revenue_share ?? 0))[0];
  const pct = (x: number | null) => formatPercent(x ?? 0);
  const base = `${formatCount(totals.customers)} customers in ${rows.filter((r) => r.customers > 0).length} ${dimension} segments, ${start} to ${end}`;
  return top
    ? `${base}; ${top.segment} holds ${pct(top.customer_share)} of customers and ${pct(top.revenue_share)} of revenue.`
    : `${base}.`;
}
