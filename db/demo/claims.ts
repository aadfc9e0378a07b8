// What each ad platform reports as its conversions. A platform claims an order when the customer had a
// qualifying touch on one of its channels inside its window (by touch type), and then only with its capture
// rate; several platforms therefore claim the same order, which is the over-claiming analytics must undo.
import { SECONDS_PER_DAY } from "./calendar.ts";
import type { ChannelSpec, PlatformRule, TouchType } from "./catalog.ts";
import type { Touch } from "./journeys.ts";
import type { Rng } from "./random.ts";

const TOUCH_TYPES: readonly TouchType[] = ["impression", "click", "visit", "email_open"];
const TYPE_INDEX: Record<TouchType, number> = { impression: 0, click: 1, visit: 2, email_open: 3 };

/** Lookup tables compiled from the rules: which platform owns a channel, and window seconds by type. */
export interface ClaimRules {
  rules: readonly PlatformRule[];
  /** Per channel index: platform index or -1. */
  platformOfChannel: Int8Array;
  /** [platform * 4 + type index]: window in seconds (0 = that touch type does not count). */
  windowSeconds: Float64Array;
  maxWindowSeconds: number;
  /** Planted tracking outages (db/demo/anomalies.ts): the platform records no conversion in [fromTs, toTs). */
  outages: { platform: number; fromTs: number; toTs: number }[];
}

/** Compiles the platform rules against the channel list. */
export function compileClaimRules(rules: readonly PlatformRule[], channels: readonly ChannelSpec[]): ClaimRules {
  const platformOfChannel = new Int8Array(channels.length).fill(-1);
  const windowSeconds = new Float64Array(rules.length * TOUCH_TYPES.length);
  let maxWindowSeconds = 0;
  rules.forEach((rule, p) => {
    for (const code of rule.channels) {
      const c = channels.findIndex((spec) => spec.code === code);
      if (c < 0) throw new Error(`platform rule ${rule.platform} names unknown channel ${code}`);
      platformOfChannel[c] = p;
    }
    for (const type of TOUCH_TYPES) {
      const seconds = (rule.windows[type] ?? 0) * SECONDS_PER_DAY;
      windowSeconds[p * TOUCH_TYPES.length + TYPE_INDEX[type]] = seconds;
      maxWindowSeconds = Math.max(maxWindowSeconds, seconds);
    }
  });
  return { rules, platformOfChannel, windowSeconds, maxWindowSeconds, outages: [] };
}

export interface Claim {
  platform: number;
  orderIndex: number;
  /** Touch the platform credits: its latest in-window click, else its latest in-window impression. */
  touch: Touch;
  viewThrough: boolean;
  convertedTs: number;
  reportedCents: number;
}

/**
 * Claims for one customer's orders. `eligible[p]` is incremented per order platform p could claim, so the
 * realised capture rate can be stored next to the planted one.
 */
export function claimOrders(
  rng: Rng,
  compiled: ClaimRules,
  touches: readonly Touch[],
  orders: readonly { ts: number; amountCents: number }[],
  eligible: Int32Array,
): Claim[] {
  const claims: Claim[] = [];
  const platforms = compiled.rules.length;
  const bestClick = new Array<Touch | null>(platforms);
  const bestView = new Array<Touch | null>(platforms);
  let next = 0;
  orders.forEach((order, orderIndex) => {
    while (next < touches.length && (touches[next] as Touch).ts < order.ts) next++;
    bestClick.fill(null);
    bestView.fill(null);
    // Walk back from the last touch before the order; the first hit per platform is its latest.
    for (let i = next - 1; i >= 0; i--) {
      const touch = touches[i] as Touch;
      const age = order.ts - touch.ts;
      if (age > compiled.maxWindowSeconds) break;
      const p = compiled.platformOfChannel[touch.channelIndex] as number;
      if (p < 0) continue;
      const window = compiled.windowSeconds[p * TOUCH_TYPES.length + TYPE_INDEX[touch.type]] as number;
      if (window <= 0 || age > window) continue;
      if (touch.type === "click") {
        if (bestClick[p] === null) bestClick[p] = touch;
      } else if (bestView[p] === null) bestView[p] = touch;
    }
    for (let p = 0; p < platforms; p++) {
      const touch = bestClick[p] ?? bestView[p];
      if (!touch) continue;
      eligible[p] = (eligible[p] as number) + 1;
      const rule = compiled.rules[p] as PlatformRule;
      if (!rng.chance(rule.captureRate)) continue;
      const convertedTs = rule.passesOrderId ? order.ts : order.ts + rng.int(rule.timeJitterSeconds + 1);
      // Dropped after every draw, so an outage changes nothing else in the data.
      if (compiled.outages.some((o) => o.platform === p && convertedTs >= o.fromTs && convertedTs < o.toTs)) continue;
      claims.push({
        platform: p,
        orderIndex,
        touch,
        viewThrough: touch.type !== "click",
        convertedTs,
        reportedCents: Math.round(order.amountCents * (1 + rule.valueBias)),
      });
    }
  });
  return claims;
}
