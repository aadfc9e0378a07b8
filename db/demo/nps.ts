// NPS survey answers: about NPS_RESPONSE_RATE of customers answer once. Scores rise with customer value and
// drop for customers who filed a complaint, which is what the support and marketing questions probe.
import { NPS_RESPONSE_RATE } from "./catalog.ts";
import type { Period } from "./period.ts";
import type { Rng } from "./random.ts";
import { NPS_COMMENTS } from "./texts.ts";

export interface NpsAnswer {
  ts: number;
  score: number;
  source: "survey" | "email" | "in_app";
  comment: string | null;
}

/** Mean score shift by value tier (non-buyers are asked after sign-up and are the least enthusiastic). */
export const NPS_TIER_SHIFT = { high: 1.3, mid: 0.6, low: 0, nonBuyer: -0.9 } as const;
export const NPS_TICKET_SHIFT = -2.5;
const NPS_BASE = 8.1;
const NPS_NOISE = 1.6;

/** Maybe an NPS answer for a customer; null when they did not answer or there is no time left to ask. */
export function npsAnswer(
  rng: Rng,
  input: {
    period: Period;
    inChina: boolean;
    tier: "high" | "mid" | "low";
    buyer: boolean;
    hasTicket: boolean;
    after: number;
  },
): NpsAnswer | null {
  if (!rng.chance(NPS_RESPONSE_RATE)) return null;
  const { period } = input;
  if (input.after >= period.endTs) return null;
  const ts = input.after + rng.int(period.endTs - input.after);
  const shift = input.buyer ? NPS_TIER_SHIFT[input.tier] : NPS_TIER_SHIFT.nonBuyer;
  const latent = NPS_BASE + shift + (input.hasTicket ? NPS_TICKET_SHIFT : 0) + NPS_NOISE * rng.normal();
  const score = Math.min(10, Math.max(0, Math.round(latent)));
  const u = rng.float();
  const source = u < 0.6 ? "survey" : u < 0.85 ? "email" : "in_app";
  let comment: string | null = null;
  if (rng.chance(0.35)) {
    const band = score >= 9 ? "promoter" : score >= 7 ? "passive" : "detractor";
    const lang = input.inChina ? (rng.chance(0.92) ? "zh" : "en") : rng.chance(0.95) ? "en" : "zh";
    comment = rng.pick(NPS_COMMENTS[band][lang]);
  }
  return { ts, score, source, comment };
}
