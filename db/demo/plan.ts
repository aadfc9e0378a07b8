// Everything decided before the first customer is generated: the period, campaigns and spend, the planted
// curves with the (week, channel) allocation, the ticket subjects, and the hand-placed customers.
import { type Allocation, allocateCustomers } from "./acquisition.ts";
import { SECONDS_PER_DAY } from "./calendar.ts";
import { CHANNELS, type ChannelSpec, PLATFORM_RULES } from "./catalog.ts";
import { type ClaimRules, compileClaimRules } from "./claims.ts";
import type { CustomerContext, ForcedProfile } from "./customers.ts";
import { preferenceTables } from "./journeys.ts";
import { makePeriod, type Period } from "./period.ts";
import { Rng } from "./random.ts";
import { planSpend, type SpendPlan } from "./spend.ts";

export interface PlanOptions {
  customers: number;
  seed: number;
  endDate: string;
  months: number;
}

export interface DemoPlan extends PlanOptions {
  period: Period;
  channels: readonly ChannelSpec[];
  spend: SpendPlan;
  allocation: Allocation;
  claimRules: ClaimRules;
  context: CustomerContext;
  ticketIndices: Set<number>;
  unknownTickets: number;
  channelsCreatedTs: number;
}

/** Builds the plan; pure and cheap (no per-customer work). */
export function buildPlan(options: PlanOptions): DemoPlan {
  const { seed, customers } = options;
  const period = makePeriod(options.endDate, options.months);
  const channels = CHANNELS;
  const spend = planSpend(seed, period, channels, customers);
  const allocation = allocateCustomers(seed, period, channels, spend, customers);
  const claimRules = compileClaimRules(PLATFORM_RULES, channels);

  // 30-60 tickets in all: a few from people not in the CRM, two for the hand-placed customers, the rest random.
  const rng = Rng.of(seed, "ticket-plan");
  const total = 30 + rng.int(31);
  const unknownTickets = 3 + rng.int(3);
  const forced = Math.min(customers, 2);
  const wanted = Math.min(customers, total - unknownTickets - forced);
  const ticketIndices = new Set<number>();
  while (ticketIndices.size < wanted) ticketIndices.add(rng.int(customers));

  const context: CustomerContext = {
    seed,
    period,
    channels,
    spend,
    preferences: preferenceTables(channels),
    claimRules,
    ticketIndices,
    eligible: new Int32Array(claimRules.rules.length),
  };
  return {
    ...options,
    period,
    channels,
    spend,
    allocation,
    claimRules,
    context,
    ticketIndices,
    unknownTickets,
    channelsCreatedTs: (period.startDay - 400) * SECONDS_PER_DAY + 10 * 3600,
  };
}

const LI_WEI_ZH: ForcedProfile = { name: "李伟", given: "wei", family: "li", city: "Shanghai", gender: "male" };
const LI_WEI_EN: ForcedProfile = { name: "Li Wei", given: "wei", family: "li", city: "Singapore", gender: "female" };
const CHINESE_ADS = new Set(["douyin_ads", "xiaohongshu", "wechat_ads", "weibo_ads", "baidu_search"]);
const GLOBAL_ADS = new Set(["meta_ads", "tiktok_ads", "google_search", "youtube", "display_gdn"]);

/**
 * Places the two customers support staff search for: 李伟 (Shanghai) is the first customer from about 37% into
 * the stream who came through a Chinese ad platform, Li Wei (Singapore) the first from about 61% who came
 * through a global one. Deciding in stream order keeps the choice independent of batch size.
 */
export class ForcedCustomers {
  readonly placed = new Map<number, "zh" | "en">();
  private zhDone = false;
  private enDone = false;

  constructor(
    private readonly customers: number,
    private readonly channels: readonly ChannelSpec[],
  ) {}

  /** The forced profile for this stream position, if any. */
  next(index: number, channelIndex: number): ForcedProfile | null {
    const code = (this.channels[channelIndex] as ChannelSpec).code;
    const last = index === this.customers - 1;
    if (!this.zhDone && index >= Math.floor(this.customers * 0.37) && (CHINESE_ADS.has(code) || last)) {
      this.zhDone = true;
      this.placed.set(index, "zh");
      return LI_WEI_ZH;
    }
    if (!this.enDone && index >= Math.floor(this.customers * 0.61) && (GLOBAL_ADS.has(code) || last)) {
      this.enDone = true;
      this.placed.set(index, "en");
      return LI_WEI_EN;
    }
    return null;
  }
}
