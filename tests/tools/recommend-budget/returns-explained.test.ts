import { describe, expect, it } from "vitest";
import { returnsExplained } from "../../../tools/recommend-budget/returns-explained.ts";

describe("returnsExplained", () => {
  it("calls a marginal ROAS far below the average diminishing returns, in one sentence per fitted channel", () => {
    const rows = [
      {
        channel: "douyin_ads",
        status: "fitted" as const,
        current: 40_000,
        average_roas_current: 4.28,
        marginal_roas_current: 0.36,
      },
      {
        channel: "kol",
        status: "fitted" as const,
        current: 10_000,
        average_roas_current: 2,
        marginal_roas_current: 1.5,
      },
      {
        channel: "display_gdn",
        status: "fitted" as const,
        current: 1_000,
        average_roas_current: 1.27,
        marginal_roas_current: 1.34,
      },
      { channel: "meta_ads", status: "held" as const, current: 5_000 },
      {
        channel: "youtube",
        status: "fitted" as const,
        current: 0,
        average_roas_current: null,
        marginal_roas_current: 3,
      },
    ];
    const [douyin, kol, display, ...rest] = returnsExplained(rows, "CNY");
    expect(rest).toEqual([]);
    expect(douyin).toBe(
      "douyin_ads: each unit spent in the last 4 weeks brought 4.28 on average (attributed ROAS); the next unit at the current budget of ¥40,000.00 brings about 0.36 (marginal ROAS). Its fitted response curve flattens as spend grows (diminishing returns): the easiest sales are already bought, so extra budget earns far less than the average suggests, and the optimiser compares channels by the marginal figure.",
    );
    expect(kol).toContain("though less steeply here, so extra budget earns somewhat less than the average.");
    expect(display).toContain("still getting steeper at this spend");
  });
});
