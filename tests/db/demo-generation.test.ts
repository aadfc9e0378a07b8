import { describe, expect, it } from "vitest";
import { curveShape, signups } from "../../db/demo/acquisition.ts";
import { SECONDS_PER_DAY } from "../../db/demo/calendar.ts";
import { CHANNELS, PAID_SHARE, PLATFORM_RULES } from "../../db/demo/catalog.ts";
import { claimOrders, compileClaimRules } from "../../db/demo/claims.ts";
import { type Customer, generateCustomer } from "../../db/demo/customers.ts";
import { LOOKBACK_SECONDS, placeTimes, type Touch } from "../../db/demo/journeys.ts";
import { buildPlan, type DemoPlan, ForcedCustomers } from "../../db/demo/plan.ts";
import { Rng } from "../../db/demo/random.ts";
import { generateTickets, STATUSES, ticketPriority } from "../../db/demo/tickets.ts";

const OPTIONS = { customers: 2_000, seed: 11, endDate: "2026-10-31", months: 12 };

function generateAll(plan: DemoPlan): Customer[] {
  const forced = new ForcedCustomers(plan.customers, plan.channels);
  const out: Customer[] = [];
  for (const s of signups(plan.seed, plan.period, plan.spend, plan.allocation, plan.channels.length)) {
    out.push(generateCustomer(plan.context, s.index, s.channelIndex, s.ts, forced.next(s.index, s.channelIndex)));
  }
  return out;
}

describe("demo plan", () => {
  const plan = buildPlan(OPTIONS);

  it("runs 2-4 campaigns per paid channel with a spend row per active day", () => {
    const paid = CHANNELS.map((c, i) => [c, i] as const).filter(([c]) => c.isPaid);
    expect(paid.length).toBeGreaterThanOrEqual(12);
    for (const [, i] of paid) {
      const n = plan.spend.campaigns.filter((c) => c.channelIndex === i).length;
      expect(n).toBeGreaterThanOrEqual(2);
      expect(n).toBeLessThanOrEqual(4);
    }
    const expectedRows = plan.spend.campaigns
      .filter((c) => CHANNELS[c.channelIndex]?.isPaid)
      .reduce((s, c) => s + ((c.endDay ?? plan.period.endDay) - c.startDay + 1), 0);
    expect(plan.spend.rows.length).toBe(expectedRows);
    expect(new Set(plan.spend.campaigns.map((c) => c.externalId)).size).toBe(plan.spend.campaigns.length);
  });

  it("spends what the target CAC implies", () => {
    CHANNELS.forEach((spec, i) => {
      const total = (plan.spend.channelWeekSpend[i] as Float64Array).reduce((s, v) => s + v, 0);
      if (spec.isPaid) expect(total / (spec.cac * spec.share * PAID_SHARE * OPTIONS.customers)).toBeCloseTo(1, 2);
      else expect(total).toBe(0);
    });
  });

  it("normalises the planted curves so expected acquisitions sum to N", () => {
    const { allocation } = plan;
    expect(allocation.counts.reduce((s, v) => s + v, 0)).toBe(OPTIONS.customers);
    expect(allocation.expected.reduce((s, v) => s + v, 0)).toBeCloseTo(OPTIONS.customers, 6);
    expect(allocation.curves).toHaveLength(CHANNELS.filter((c) => c.isPaid).length);
    for (const curve of allocation.curves) {
      expect(curve.K).toBeGreaterThan(0);
      const weekly = plan.spend.channelWeekSpend[curve.channelIndex] as Float64Array;
      // Re-derive each cell's expectation from the stored parameters: this is what the facts promise.
      weekly.forEach((spend, w) => {
        const cell = allocation.expected[w * CHANNELS.length + curve.channelIndex] as number;
        expect(cell).toBeCloseTo(curve.K * curveShape(curve, spend), 9);
      });
    }
  });

  it("shows diminishing returns: doubling spend adds less than double", () => {
    for (const curve of plan.allocation.curves) {
      const m = curve.meanWeeklySpend;
      expect(curveShape(curve, 2 * m) - curveShape(curve, m)).toBeLessThan(curveShape(curve, m));
    }
  });

  it("streams sign-ups in time order inside the period", () => {
    let previous = -Infinity;
    let count = 0;
    for (const s of signups(plan.seed, plan.period, plan.spend, plan.allocation, CHANNELS.length)) {
      expect(s.index).toBe(count++);
      expect(s.ts).toBeGreaterThanOrEqual(previous);
      previous = s.ts;
    }
    expect(count).toBe(OPTIONS.customers);
    expect(previous).toBeLessThanOrEqual(plan.period.endTs);
  });
});

describe("demo customers", () => {
  const plan = buildPlan(OPTIONS);
  const customers = generateAll(plan);

  it("is a pure function of (seed, index)", () => {
    const again = buildPlan(OPTIONS);
    const c = customers[123] as Customer;
    expect(generateCustomer(again.context, c.index, c.channelIndex, c.signupTs, null)).toEqual(c);
  });

  it("keeps touch times strictly increasing and journeys inside their windows", () => {
    for (const c of customers) {
      for (let i = 1; i < c.touches.length; i++) {
        expect((c.touches[i] as Touch).ts).toBeGreaterThan((c.touches[i - 1] as Touch).ts);
      }
      for (let k = 1; k < c.orders.length; k++) {
        const at = c.orders[k]?.ts as number;
        const previous = c.orders[k - 1]?.ts as number;
        expect(at).toBeGreaterThan(previous);
        const journey = c.touches.filter((t) => t.ts > previous && t.ts < at);
        for (const t of journey) expect(at - t.ts).toBeLessThanOrEqual(LOOKBACK_SECONDS);
      }
      for (const t of c.touches) {
        expect(t.ts).toBeGreaterThanOrEqual(plan.period.startTs);
        expect(t.ts).toBeLessThanOrEqual(plan.period.endTs);
      }
    }
  });

  it("ends every first-order journey on the acquisition channel", () => {
    const buyers = customers.filter((c) => c.orders.length > 0);
    expect(buyers.length / customers.length).toBeGreaterThan(0.65);
    expect(buyers.length / customers.length).toBeLessThan(0.85);
    for (const c of buyers) {
      const first = c.orders[0]?.ts as number;
      const before = c.touches.filter((t) => t.ts < first);
      expect(before.at(-1)?.channelIndex).toBe(c.channelIndex);
    }
  });

  it("gives campaigns of the touch's own channel", () => {
    const channelOf = new Map(plan.spend.campaigns.map((c) => [c.id, c.channelIndex]));
    for (const c of customers) {
      for (const t of c.touches) {
        if (t.campaignId !== null) expect(channelOf.get(t.campaignId)).toBe(t.channelIndex);
        else expect(CHANNELS[t.channelIndex]?.isPaid).toBe(false);
      }
    }
  });

  it("places 李伟 in Shanghai and Li Wei in Singapore, both buyers", () => {
    const zh = customers.filter((c) => c.name === "李伟" && c.city.city === "Shanghai" && c.orders.length > 0);
    const en = customers.filter((c) => c.name === "Li Wei" && c.city.city === "Singapore");
    expect(zh.length).toBeGreaterThanOrEqual(1);
    expect(en).toHaveLength(1);
    expect(en[0]?.orders.length).toBeGreaterThan(0);
  });
});

describe("platform claims", () => {
  const channels = CHANNELS;
  const compiled = compileClaimRules(PLATFORM_RULES, channels);
  const meta = channels.findIndex((c) => c.code === "meta_ads");
  const google = channels.findIndex((c) => c.code === "google_search");
  const direct = channels.findIndex((c) => c.code === "direct");
  const day = SECONDS_PER_DAY;
  const order = { ts: 100 * day, amountCents: 10_000 };
  const touch = (ts: number, channelIndex: number, type: Touch["type"]): Touch => ({
    ts,
    channelIndex,
    campaignId: 1,
    type,
  });

  it("applies each platform's window by touch type", () => {
    const eligible = new Int32Array(PLATFORM_RULES.length);
    const touches = [
      touch(order.ts - 20 * day, google, "click"), // inside Google's 30-day click window
      touch(order.ts - 8 * day, meta, "click"), // outside Meta's 7-day click window
      touch(order.ts - 2 * day, meta, "impression"), // outside Meta's 1-day view window
      touch(order.ts - 60, direct, "visit"), // no platform
    ];
    claimOrders(Rng.of(1, "claims"), compiled, touches, [order], eligible);
    const byName = (name: string) => eligible[PLATFORM_RULES.findIndex((r) => r.platform === name)];
    expect(byName("Google Ads")).toBe(1);
    expect(byName("Meta")).toBe(0);

    const viewEligible = new Int32Array(PLATFORM_RULES.length);
    const claims = claimOrders(
      Rng.of(1, "claims"),
      { ...compiled, rules: compiled.rules.map((r) => ({ ...r, captureRate: 1 })) },
      [touch(order.ts - 3600, meta, "impression")],
      [order],
      viewEligible,
    );
    expect(claims).toHaveLength(1);
    expect(claims[0]?.viewThrough).toBe(true);
    expect(claims[0]?.reportedCents).toBe(10_500);
  });
});

describe("tickets", () => {
  const plan = buildPlan({ ...OPTIONS, customers: 500 });
  const subjects = [...plan.ticketIndices].map((i) => ({
    customerId: i + 1,
    lang: (i % 2 ? "zh" : "en") as "zh" | "en",
    tier: "mid" as const,
    signupTs: plan.period.startTs,
    orders: [[plan.period.endTs - 30 * SECONDS_PER_DAY, "ORD-0000001"]] as [number, string][],
    adChannelIndex: 0,
    adCampaignId: 1,
    forced: null,
  }));
  const { tickets, history } = generateTickets(plan.seed, plan.period, CHANNELS, subjects, plan.unknownTickets);

  it("writes 30-60 tickets with a history that replays to their status", () => {
    expect(tickets.length).toBe(subjects.length + plan.unknownTickets);
    expect(tickets.length).toBeGreaterThanOrEqual(28);
    expect(tickets.length).toBeLessThanOrEqual(60);
    for (const t of tickets) {
      const rows = history.filter((h) => h.ticketId === t.id);
      expect(rows[0]?.action).toBe("created");
      const statusRows = rows.filter((h) => h.action === "status");
      expect(statusRows.length).toBe(STATUSES.indexOf(t.status));
      expect(statusRows.at(-1)?.newValue ?? "new").toBe(t.status);
      expect(t.updatedTs).toBe(rows.at(-1)?.ts);
      expect(t.resolvedTs !== null).toBe(STATUSES.indexOf(t.status) >= 3);
    }
    expect(new Set(tickets.map((t) => t.status)).size).toBeGreaterThanOrEqual(4);
    expect(tickets.some((t) => /[\u4e00-\u9fff]/.test(t.body))).toBe(true);
    expect(tickets.some((t) => /^[\x20-\x7e]+$/.test(t.body))).toBe(true);
  });

  it("sets priority from value tier x severity", () => {
    expect(ticketPriority("high", "high")).toBe("P1");
    expect(ticketPriority("low", "low")).toBe("P4");
    expect(ticketPriority("mid", "medium")).toBe("P3");
  });
});

describe("placeTimes", () => {
  it("returns strictly increasing times inside the window, fewer when it is short", () => {
    const rng = Rng.of(2, "place");
    for (let trial = 0; trial < 500; trial++) {
      const lo = rng.int(1000);
      const hi = lo + rng.int(20);
      const count = 1 + rng.int(30);
      const times = placeTimes(rng, count, lo, hi);
      expect(times.length).toBe(Math.min(count, hi - lo + 1));
      times.forEach((t, i) => {
        expect(t).toBeGreaterThanOrEqual(lo);
        expect(t).toBeLessThanOrEqual(hi);
        if (i > 0) expect(t).toBeGreaterThan(times[i - 1] as number);
      });
    }
    expect(placeTimes(rng, 3, 10, 9)).toEqual([]);
  });
});
