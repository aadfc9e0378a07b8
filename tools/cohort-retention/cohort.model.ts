// Cohort triangles from counted rows: retention (active buyers / cohort members) and revenue per member by period
// since acquisition, the member-weighted average curve per group, and a two-group comparison with a significance
// note. Pure: the SQL (cohort-retention.queries.ts) only counts.
import { type Arm, twoProportionZTest } from "../compare-ab-test/ab-test.model.ts";

/** Members of one cohort of one group (cohort = 0-based index into the grid). */
export interface CohortSize {
  group: string;
  cohort: number;
  customers: number;
}

/** Distinct buyers among a cohort's members, and their revenue, in period k since acquisition. */
export interface CohortActivity {
  group: string;
  cohort: number;
  k: number;
  active: number;
  revenue: number;
}

export interface CohortRow {
  group: string;
  cohort: number;
  customers: number;
  /** active[k]; null where period k of this cohort is not over yet (the lower right of the triangle). */
  active: (number | null)[];
  retention: (number | null)[];
  revenuePerMember: (number | null)[];
}

export interface GroupCurve {
  group: string;
  customers: number;
  /** Members of the cohorts observed at k, and the buyers among them. */
  members: number[];
  active: number[];
  retention: (number | null)[];
  revenuePerMember: (number | null)[];
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : null);

/**
 * The triangle: one row per (group, cohort) with members. Period k of cohort c is observed when c + k < cohorts
 * (every period of the grid up to the last complete one); `periods` columns are returned.
 */
export function buildTriangle(
  sizes: readonly CohortSize[],
  activity: readonly CohortActivity[],
  cohorts: number,
  periods: number,
): CohortRow[] {
  const key = (group: string, cohort: number) => `${group}\u0000${cohort}`;
  const counted = new Map<string, CohortActivity[]>();
  for (const a of activity) {
    const list = counted.get(key(a.group, a.cohort)) ?? [];
    list.push(a);
    counted.set(key(a.group, a.cohort), list);
  }
  return sizes
    .filter((s) => s.customers > 0)
    .map((s) => {
      const observed = (k: number) => s.cohort + k < cohorts;
      const byK = new Map((counted.get(key(s.group, s.cohort)) ?? []).map((a) => [a.k, a]));
      const active = Array.from({ length: periods }, (_, k) => (observed(k) ? (byK.get(k)?.active ?? 0) : null));
      const revenue = Array.from({ length: periods }, (_, k) => (observed(k) ? (byK.get(k)?.revenue ?? 0) : null));
      return {
        group: s.group,
        cohort: s.cohort,
        customers: s.customers,
        active,
        retention: active.map((a) => (a === null ? null : a / s.customers)),
        revenuePerMember: revenue.map((r) => (r === null ? null : r / s.customers)),
      };
    })
    .sort((a, b) => a.group.localeCompare(b.group) || a.cohort - b.cohort);
}

/** Per group, the member-weighted curve: buyers in period k over members of the cohorts that reached period k. */
export function groupCurves(rows: readonly CohortRow[], periods: number): GroupCurve[] {
  const groups = [...new Set(rows.map((r) => r.group))];
  return groups.map((group) => {
    const mine = rows.filter((r) => r.group === group);
    const members = Array.from({ length: periods }, () => 0);
    const active = Array.from({ length: periods }, () => 0);
    const revenue = Array.from({ length: periods }, () => 0);
    for (const row of mine) {
      for (let k = 0; k < periods; k++) {
        const a = row.active[k];
        if (a === null || a === undefined) continue;
        members[k] = (members[k] ?? 0) + row.customers;
        active[k] = (active[k] ?? 0) + a;
        revenue[k] = (revenue[k] ?? 0) + (row.revenuePerMember[k] ?? 0) * row.customers;
      }
    }
    return {
      group,
      customers: mine.reduce((s, r) => s + r.customers, 0),
      members,
      active,
      retention: active.map((a, k) => ratio(a, members[k] ?? 0)),
      revenuePerMember: revenue.map((r, k) => ratio(r, members[k] ?? 0)),
    };
  });
}

/** Counts below these make a z-test's normal approximation unreliable: no p-value is given then. */
export const MIN_MEMBERS_PER_SIDE = 30;
export const MIN_EXPECTED_CELL = 5;

export interface PeriodComparison {
  k: number;
  a: { members: number; active: number; retention: number | null };
  b: { members: number; active: number; retention: number | null };
  /** retention(b) - retention(a), in fraction points. */
  difference: number | null;
  p_value: number | null;
  note: string;
}

/**
 * Compares two groups' curves period by period (k >= 1: period 0 is the acquisition period) with a pooled
 * two-proportion z-test, when each side has enough members and the expected buyer and non-buyer counts are >= 5.
 */
export function compareCurves(a: GroupCurve, b: GroupCurve, alpha = 0.05): PeriodComparison[] {
  const out: PeriodComparison[] = [];
  for (let k = 1; k < a.members.length; k++) {
    const arm = (c: GroupCurve): Arm => ({ visitors: c.members[k] ?? 0, conversions: c.active[k] ?? 0 });
    const armA = arm(a);
    const armB = arm(b);
    const ra = ratio(armA.conversions, armA.visitors);
    const rb = ratio(armB.conversions, armB.visitors);
    const side = (x: Arm, r: number | null) => ({ members: x.visitors, active: x.conversions, retention: r });
    const pooled = ratio(armA.conversions + armB.conversions, armA.visitors + armB.visitors) ?? 0;
    const expectedOk = [armA.visitors, armB.visitors].every(
      (n) => n * pooled >= MIN_EXPECTED_CELL && n * (1 - pooled) >= MIN_EXPECTED_CELL,
    );
    const enough = armA.visitors >= MIN_MEMBERS_PER_SIDE && armB.visitors >= MIN_MEMBERS_PER_SIDE && expectedOk;
    if (ra === null || rb === null || !enough) {
      out.push({
        k,
        a: side(armA, ra),
        b: side(armB, rb),
        difference: ra === null || rb === null ? null : rb - ra,
        p_value: null,
        note: `too few members or buyers to test (need >= ${MIN_MEMBERS_PER_SIDE} members per side and >= ${MIN_EXPECTED_CELL} expected buyers and non-buyers)`,
      });
      continue;
    }
    const { pValue } = twoProportionZTest(armA, armB);
    out.push({
      k,
      a: side(armA, ra),
      b: side(armB, rb),
      difference: rb - ra,
      p_value: pValue,
      note: pValue < alpha ? `significant at ${alpha} (two-sided z-test)` : `not significant at ${alpha}`,
    });
  }
  return out;
}
