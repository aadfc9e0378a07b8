// The stated ticket rules without a database: priority, status machine, duplicate similarity, theme clustering.
import { describe, expect, it } from "vitest";
import { lexicalEmbedder } from "../../../knowledge/embedders/lexical.ts";
import { cosine, DUPLICATE_MIN_SIMILARITY, similarTo } from "../../../tools/tickets/duplicates.model.ts";
import { clusterThemes } from "../../../tools/tickets/themes.model.ts";
import {
  PRIORITY_RULE,
  SEVERITIES,
  STATUS_TRANSITIONS,
  STATUSES,
  TIERS,
  ticketPriority,
} from "../../../tools/tickets/ticket-enums.ts";

describe("priority rule", () => {
  it("makes a high-value customer's high or critical issue P1 whatever the sentiment", () => {
    for (const sentiment of ["negative", "neutral", "positive"] as const) {
      expect(ticketPriority("high", "critical", sentiment)).toBe("P1");
      expect(ticketPriority("high", "high", sentiment)).toBe("P1");
    }
  });

  it("follows the tier x severity matrix for negative feedback", () => {
    const table = Object.fromEntries(
      TIERS.map((tier) => [tier, SEVERITIES.map((s) => ticketPriority(tier, s, "negative")).join(" ")]),
    );
    // severities in order low, medium, high, critical
    expect(table).toEqual({ high: "P3 P2 P1 P1", mid: "P3 P3 P2 P1", low: "P4 P3 P2 P2" });
    expect(ticketPriority(null, "critical", "negative")).toBe("P2");
    expect(ticketPriority(null, "low", "neutral")).toBe("P4");
  });

  it("lowers positive feedback one step, never below P4", () => {
    expect(ticketPriority("high", "medium", "positive")).toBe("P3");
    expect(ticketPriority("mid", "critical", "positive")).toBe("P2");
    expect(ticketPriority("low", "low", "positive")).toBe("P4");
    expect(ticketPriority("high", "low", "neutral")).toBe("P3");
    expect(PRIORITY_RULE).toContain("high-value customer's high or critical issue is always P1");
  });
});

describe("status machine", () => {
  it("allows the documented path and reopening, and nothing after closed", () => {
    const path = ["new", "triaged", "in_progress", "resolved", "followed_up", "closed"] as const;
    for (let i = 0; i + 1 < path.length; i++) {
      expect(STATUS_TRANSITIONS[path[i] as (typeof path)[number]]).toContain(path[i + 1]);
    }
    expect(STATUS_TRANSITIONS.resolved).toEqual(["followed_up", "closed", "in_progress"]);
    expect(STATUS_TRANSITIONS.new).toEqual(["triaged"]);
    expect(STATUS_TRANSITIONS.closed).toEqual([]);
    for (const s of STATUSES) for (const next of STATUS_TRANSITIONS[s]) expect(STATUSES).toContain(next);
  });
});

describe("similarity", () => {
  it("finds the same complaint in other words above the threshold, and unrelated ones below", async () => {
    const [a, b, c, d, e] = await lexicalEmbedder.embed([
      "The Douyin ad promised 20% off but checkout only gave 10%",
      "Customer says the ad promised 20% off, checkout showed 10% only",
      "My parcel has not arrived after 10 days",
      "广告说首单立减20%，结账时只减了10%",
      "抖音广告写着首单立减20%，但是付款只减10%",
    ]);
    const v = [a, b, c, d, e] as number[][];
    expect(cosine(v[0] as number[], v[1] as number[])).toBeGreaterThan(DUPLICATE_MIN_SIMILARITY);
    expect(cosine(v[3] as number[], v[4] as number[])).toBeGreaterThan(DUPLICATE_MIN_SIMILARITY);
    expect(cosine(v[0] as number[], v[2] as number[])).toBeLessThan(DUPLICATE_MIN_SIMILARITY);
    const found = similarTo(
      v[0] as number[],
      [
        { item: "parcel", vector: v[2] as number[] },
        { item: "ad", vector: v[1] as number[] },
      ],
      DUPLICATE_MIN_SIMILARITY,
    );
    expect(found.map((f) => f.item)).toEqual(["ad"]);
  });

  it("clusters tickets into themes, largest first, with distinctive terms", async () => {
    const texts = [
      "Parcel not delivered after ten days, courier lost the parcel",
      "The courier lost my parcel, still not delivered",
      "Parcel delivered late, courier never called",
      "The ad promised 20% off but checkout showed 10% off",
      "Ad said 20% off, checkout only gave 10% off",
      "Love the new serum, great texture",
    ];
    const vectors = await lexicalEmbedder.embed(texts);
    const items = texts.map((t, i) => ({ vector: vectors[i] as number[], tokens: t.toLowerCase().split(/\W+/) }));
    const themes = clusterThemes(items);
    expect(themes[0]?.members.sort()).toEqual([0, 1, 2]);
    expect(themes[0]?.terms).toContain("parcel");
    expect(themes[1]?.members.sort()).toEqual([3, 4]);
    expect(themes[2]?.members).toEqual([5]);
  });
});
