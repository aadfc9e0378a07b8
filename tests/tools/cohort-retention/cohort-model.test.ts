import { describe, expect, it } from "vitest";
import { buildTriangle, compareCurves, groupCurves } from "../../../tools/cohort-retention/cohort.model.ts";
import { cohortGrid } from "../../../tools/cohort-retention/cohort-periods.ts";

describe("cohortGrid", () => {
  it("ends with the last complete month on or before end", () => {
    expect(cohortGrid("month", "2026-11-30", 3).bounds).toEqual([
      "2026-09-01",
      "2026-10-01",
      "2026-11-01",
      "2026-12-01",
    ]);
    expect(cohortGrid("month", "2026-11-29", 2).bounds).toEqual(["2026-09-01", "2026-10-01", "2026-11-01"]);
    expect(cohortGrid("month", "2026-02-28", 12).labels[0]).toBe("2025-03");
  });

  it("uses ISO weeks, Monday first, ending with the last complete week", () => {
    // 2026-11-29 is a Sunday: its week (Mon 11-23) is complete; on Saturday 11-28 it is not.
    expect(cohortGrid("week", "2026-11-29", 2).bounds).toEqual(["2026-11-16", "2026-11-23", "2026-11-30"]);
    expect(cohortGrid("week", "2026-11-28", 1).bounds).toEqual(["2026-11-16", "2026-11-23"]);
  });
});

describe("buildTriangle and groupCurves", () => {
  const sizes = [
    { group: "a", cohort: 0, customers: 100 },
    { group: "a", cohort: 1, customers: 50 },
    { group: "a", cohort: 2, customers: 0 },
  ];
  const activity = [
    { group: "a", cohort: 0, k: 0, active: 100, revenue: 1000 },
    { group: "a", cohort: 0, k: 1, active: 20, revenue: 300 },
    { group: "a", cohort: 0, k: 2, active: 10, revenue: 100 },
    { group: "a", cohort: 1, k: 0, active: 40, revenue: 400 },
  ];

  it("leaves unobserved periods null and counts observed periods without buyers as 0", () => {
    const rows = buildTriangle(sizes, activity, 3, 3);
    expect(rows).toHaveLength(2); // the empty cohort is left out
    expect(rows[0]?.retention).toEqual([1, 0.2, 0.1]);
    expect(rows[1]?.active).toEqual([40, 0, null]);
    expect(rows[1]?.revenuePerMember).toEqual([8, 0, null]);
  });

  it("weights the curve by the members of the cohorts that reached each period", () => {
    const [curve] = groupCurves(buildTriangle(sizes, activity, 3, 3), 3);
    expect(curve?.members).toEqual([150, 150, 100]);
    expect(curve?.retention).toEqual([140 / 150, 20 / 150, 0.1]);
    expect(curve?.revenuePerMember[0]).toBeCloseTo(1400 / 150, 10);
  });
});

describe("compareCurves", () => {
  const curve = (group: string, members: number[], active: number[]) => ({
    group,
    customers: members[0] ?? 0,
    members,
    active,
    retention: active.map((a, k) => a / (members[k] ?? 1)),
    revenuePerMember: members.map(() => 0),
  });

  it("gives the pooled z-test p-value when counts allow (reference: 30/200 vs 15/200, chi-square 5.6338, p 0.017617)", () => {
    const [p1] = compareCurves(curve("a", [200, 200], [200, 30]), curve("b", [200, 200], [200, 15]));
    // Pearson chi-square without continuity correction on [[30,170],[15,185]] = 5.6338, p = 0.017617
    // (scipy.stats.chi2_contingency(correction=False); R: prop.test(c(30,15), c(200,200), correct=FALSE)).
    expect(p1?.p_value).toBeCloseTo(0.017617, 5);
    expect(p1?.difference).toBeCloseTo(-0.075, 10);
    expect(p1?.note).toMatch(/significant at 0.05/);
  });

  it("says when there are too few members to test", () => {
    const [p1] = compareCurves(curve("a", [20, 20], [20, 2]), curve("b", [300, 300], [300, 40]));
    expect(p1?.p_value).toBeNull();
    expect(p1?.note).toMatch(/too few/);
  });
});
