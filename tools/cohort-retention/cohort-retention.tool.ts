import { fetchTierThresholds, VALUE_TIER_DEFINITION } from "../find-customers/value-tier.queries.ts";
import { fetchFreshness } from "../freshness.ts";
import { assertKnownRegion, channelIdFor } from "../known-values.ts";
import { formatCount, formatPercent } from "../number-format.ts";
import { addDays, todayIn } from "../period.ts";
import { defineTool, ROLES, type ToolContext, ToolInputError } from "../tool.ts";
import {
  buildTriangle,
  type CohortRow,
  compareCurves,
  type GroupCurve,
  groupCurves,
  type PeriodComparison,
} from "./cohort.model.ts";
import { cohortGrid, type Granularity } from "./cohort-periods.ts";
import { fetchCohortCounts } from "./cohort-retention.queries.ts";
import { CohortRetentionInput } from "./cohort-retention.schema.ts";

const r2 = (x: number | null) => (x === null ? null : Math.round(x * 100) / 100);
const r4 = (x: number | null) => (x === null ? null : Math.round(x * 1e4) / 1e4);

/** Column name of period k since acquisition: month_0, month_1 … or week_0 … (printed as percentages). */
export const periodColumn = (granularity: Granularity, k: number) => `${granularity}_${k}`;

export const cohortRetentionTool = defineTool({
  name: "cohort_retention",
  description:
    "Cohort retention triangle: customers grouped by acquisition (signup) month or week, and for each period since " +
    "acquisition the share who bought (active buyers / cohort members) and revenue per cohort member. Optionally split " +
    "by acquisition channel, first-touch campaign, region or value tier, and compare two groups period by period with a " +
    "significance test (e.g. do customers acquired via douyin_ads retain worse than baidu_search?).",
  input: CohortRetentionInput,
  roles: ROLES,
  access: "read",
  async run(input, context) {
    if (input.compare && !input.split_by) {
      throw new ToolInputError(
        "compare: needs split_by (which dimension the two values belong to), e.g. split_by=acquisition_channel",
      );
    }
    const end = input.end ?? addDays(todayIn(context), -1);
    const periods = input.periods ?? input.cohorts;
    const grid = cohortGrid(input.granularity, end, input.cohorts);
    const acquisitionChannelId = input.acquisition_channel
      ? await channelIdFor(context.db, "acquisition_channel", input.acquisition_channel)
      : null;
    if (input.region) await assertKnownRegion(context.db, "region", input.region);
    const tiers = input.split_by === "value_tier" ? await fetchTierThresholds(context.db, context) : null;
    const counts = await fetchCohortCounts(context.db, {
      bounds: grid.bounds,
      timezone: context.timezone,
      split: input.split_by ?? null,
      acquisitionChannelId,
      region: input.region ?? null,
      tiers,
    });
    const triangle = buildTriangle(counts.sizes, counts.activity, input.cohorts, periods);
    const curves = groupCurves(triangle, periods);
    const comparison = input.compare ? compareGroups(input.compare, curves) : undefined;
    const dataThrough = addDays(grid.bounds.at(-1) as string, -1);
    return {
      summary: summarise(input.granularity, grid.labels, curves, comparison, input.compare),
      granularity: input.granularity,
      split_by: input.split_by ?? null,
      period: {
        first_cohort: grid.labels[0],
        last_cohort: grid.labels.at(-1),
        data_through: dataThrough,
        timezone: context.timezone,
      },
      filters: { acquisition_channel: input.acquisition_channel ?? null, region: input.region ?? null },
      definitions: definitions(input.granularity, context, tiers !== null),
      rows: triangle.map((row) => tableRow(row, grid.labels, input.granularity, input.split_by !== undefined)),
      curves: curves.map((c) => ({
        group: c.group,
        customers: c.customers,
        retention: c.retention.map(r4),
        revenue_per_member: c.revenuePerMember.map(r2),
        members_observed: c.members,
      })),
      ...(comparison ? { comparison } : {}),
      data_freshness: await fetchFreshness(context.db),
    };
  },
});

/** One triangle row: the cohort, its members, retention per period as columns, revenue per member as a list. */
function tableRow(row: CohortRow, labels: string[], granularity: Granularity, split: boolean) {
  const cells: Record<string, number | null> = {};
  row.retention.forEach((r, k) => {
    cells[periodColumn(granularity, k)] = r4(r);
  });
  return {
    ...(split ? { group: row.group } : {}),
    cohort: labels[row.cohort] ?? String(row.cohort),
    customers: row.customers,
    ...cells,
    active: row.active,
    revenue_per_member: row.revenuePerMember.map(r2),
  };
}

function compareGroups(values: [string, string], curves: GroupCurve[]) {
  const find = (value: string) => {
    const curve = curves.find((c) => c.group === value);
    if (!curve) {
      throw new ToolInputError(
        `compare: no cohort members in group "${value}"; groups with members: ${curves.map((c) => c.group).join(", ") || "none"}`,
      );
    }
    return curve;
  };
  const a = find(values[0]);
  const b = find(values[1]);
  return {
    a: a.group,
    b: b.group,
    by_period: compareCurves(a, b).map((p: PeriodComparison) => ({
      ...p,
      a: { ...p.a, retention: r4(p.a.retention) },
      b: { ...p.b, retention: r4(p.b.retention) },
      difference: r4(p.difference),
      p_value: p.p_value === null ? null : Number(p.p_value.toPrecision(3)),
    })),
  };
}

function definitions(granularity: Granularity, context: ToolContext, tiered: boolean): Record<string, string> {
  return {
    cohort: `Customers by the ${granularity} of their signup date (the CRM's acquisition date; the import sets it to the first order day when the source has none).`,
    period: `${granularity}_k = the k-th calendar ${granularity} after the acquisition ${granularity} (k = 0 is the acquisition ${granularity} itself), order times in ${context.timezone}.`,
    retention: `Active buyers in the period (customers with at least one order) / all members of the cohort, including members who never ordered; null where the period is not over yet.`,
    revenue_per_member: `Order revenue of cohort members in the period / members of the cohort (${context.currency}).`,
    curves:
      "Per group, buyers in period k summed over the cohorts that reached period k, over the members of those cohorts (member-weighted average).",
    comparison:
      "Pooled two-proportion z-test per period (k >= 1) on the member-weighted curves; no p-value when a side has fewer than 30 members or fewer than 5 expected buyers or non-buyers.",
    ...(tiered ? { value_tier: `${VALUE_TIER_DEFINITION} The tier is today's, not the tier at acquisition.` } : {}),
  };
}

function summarise(
  granularity: Granularity,
  labels: string[],
  curves: GroupCurve[],
  comparison: ReturnType<typeof compareGroups> | undefined,
  compare: [string, string] | undefined,
): string {
  const members = curves.reduce((s, c) => s + c.customers, 0);
  const span = `${labels.length} ${granularity}ly cohorts ${labels[0]} to ${labels.at(-1)}`;
  if (members === 0) return `No customers signed up in the ${span}.`;
  const at = (c: GroupCurve, k: number) => c.retention[k];
  const total = (k: number) => {
    const m = curves.reduce((s, c) => s + (c.members[k] ?? 0), 0);
    const a = curves.reduce((s, c) => s + (c.active[k] ?? 0), 0);
    return m > 0 ? a / m : null;
  };
  const parts = [1, 3]
    .filter((k) => total(k) !== null)
    .map((k) => `${granularity} ${k}: ${formatPercent(total(k) as number)}`);
  const base = `${formatCount(members)} customers in ${span}; retention (buyers / members) ${parts.join(", ") || "n/a"}.`;
  if (!comparison || !compare) return base;
  const first = comparison.by_period.find((p) => p.k === 1);
  const a = curves.find((c) => c.group === compare[0]) as GroupCurve;
  const b = curves.find((c) => c.group === compare[1]) as GroupCurve;
  if (!first || at(a, 1) === null || at(b, 1) === null) return base;
  const test = first.p_value === null ? first.note : `p = ${first.p_value}, ${first.note}`;
  return `${base} ${granularity} 1: ${compare[0]} ${formatPercent(at(a, 1) as number)} vs ${compare[1]} ${formatPercent(at(b, 1) as number)} (${test}).`;
}
