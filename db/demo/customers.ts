// One customer, start to finish: profile, value, orders (BG/NBD-like repeat buying), journeys, platform claims
// and maybe an NPS answer. Everything comes from Rng(seed, "customer", index), so a customer's data does not
// depend on batch size or on any other customer.
import { ORDER_SEASON_MAX, SECONDS_PER_DAY } from "./calendar.ts";
import { BG_NBD, CATEGORIES, type Category, type ChannelSpec, MONETARY, VALUE_TIERS } from "./catalog.ts";
import { type Claim, type ClaimRules, claimOrders } from "./claims.ts";
import { ageBand, buildTouches, type PreferenceTables, type Touch } from "./journeys.ts";
import { type NpsAnswer, npsAnswer } from "./nps.ts";
import {
  CHINA_CITY_TABLE,
  type City,
  chineseName,
  cityNamed,
  emailFor,
  type Gender,
  INTERNATIONAL_CITY_TABLE,
  latinName,
  type PersonName,
  phoneFor,
} from "./people.ts";
import type { Period } from "./period.ts";
import { Rng, WeightedTable } from "./random.ts";
import { plantedDropout } from "./retention-plant.ts";
import type { SpendPlan } from "./spend.ts";

export type SalesChannel = "online" | "store" | "app" | "marketplace";
export type Tier = "high" | "mid" | "low";

export interface Order {
  ts: number;
  amountCents: number;
  discountCents: number;
  marginCents: number;
  category: string;
  salesChannel: SalesChannel;
}

export interface Customer {
  index: number;
  channelIndex: number;
  name: string;
  email: string | null;
  phone: string | null;
  city: City;
  inChina: boolean;
  signupTs: number;
  marketingConsent: boolean;
  birthYear: number;
  gender: Gender;
  orders: Order[];
  touches: Touch[];
  claims: Claim[];
  nps: NpsAnswer | null;
  revenueCents: number;
  tier: Tier;
}

/** A hand-placed customer support staff look up by name. */
export interface ForcedProfile {
  name: string;
  given: string;
  family: string;
  city: string;
  gender: Gender;
}

/** Everything a customer is generated from, shared by all customers of one run. */
export interface CustomerContext {
  seed: number;
  period: Period;
  channels: readonly ChannelSpec[];
  spend: SpendPlan;
  preferences: PreferenceTables;
  claimRules: ClaimRules;
  /** Customers with a feedback ticket answer NPS surveys more harshly. */
  ticketIndices: ReadonlySet<number>;
  /** Per platform: orders it could have claimed (filled in as customers are generated). */
  eligible: Int32Array;
}

const CATEGORY_TABLE = new WeightedTable(CATEGORIES.map((c) => [c, c.weight] as const));
const GENDERS = new WeightedTable<Gender>([
  ["female", 0.56],
  ["male", 0.42],
  ["other", 0.02],
]);
const DISCOUNT_RATES_SENSITIVE = [0.1, 0.15, 0.2, 0.25, 0.3];
const DISCOUNT_RATES_OCCASIONAL = [0.05, 0.1, 0.15];
/** Orders per customer are capped so one extreme draw cannot dominate a small data set. */
const MAX_ORDERS = 150;

/** Generates customer `index`, acquired through `channelIndex` at `signupTs`. */
export function generateCustomer(
  ctx: CustomerContext,
  index: number,
  channelIndex: number,
  signupTs: number,
  forced: ForcedProfile | null,
): Customer {
  const rng = Rng.of(ctx.seed, "customer", index);
  const spec = ctx.channels[channelIndex] as ChannelSpec;
  const { period } = ctx;

  // Profile.
  const city = forced
    ? cityNamed(forced.city)
    : rng.chance(spec.international)
      ? INTERNATIONAL_CITY_TABLE.pick(rng)
      : CHINA_CITY_TABLE.pick(rng);
  const inChina = city.country === "China";
  const gender = forced ? forced.gender : GENDERS.pick(rng);
  const age = Math.min(72, Math.max(18, Math.round(spec.meanAge + 9 * rng.normal())));
  let person: PersonName;
  if (forced) person = { display: forced.name, given: forced.given, family: forced.family };
  else if (inChina) person = chineseName(rng, gender);
  else if (rng.chance(0.15)) {
    // Overseas Chinese customers often write their pinyin name family-first ("Chen Jing").
    const zh = chineseName(rng, gender);
    person = { ...zh, display: `${capitalise(zh.family)} ${capitalise(zh.given)}` };
  } else person = latinName(rng, gender);
  const email = rng.chance(0.92) ? emailFor(rng, person, inChina, index + 1) : null;
  const phone = rng.chance(inChina ? 0.95 : 0.8) ? phoneFor(rng, city) : null;
  const marketingConsent = rng.chance(0.7);

  // Value: purchase rate, dropout, typical basket, discount habit, favourite category.
  const lambdaPerDay = rng.gamma(BG_NBD.r, BG_NBD.alpha);
  const dropout = plantedDropout(spec.code, rng.beta(BG_NBD.a, BG_NBD.b));
  const level = MONETARY.baseOrderValue * spec.valueMultiplier * rng.lognormalMean(1, MONETARY.sigmaBetweenCustomers);
  const discountSensitive = rng.chance(
    MONETARY.discountSensitiveShare * (spec.type === "short_video" || spec.type === "affiliate" ? 1.5 : 1),
  );
  const favourite = CATEGORY_TABLE.pick(rng);
  const buys = forced !== null || rng.chance(spec.firstOrderRate);

  const orderTimes: number[] = [];
  if (buys) {
    const u = rng.float();
    const delay =
      u < 0.55
        ? 120 + rng.int(5280)
        : u < 0.85
          ? 7200 + rng.int(165_600)
          : 7200 + Math.floor(Math.min(20 * SECONDS_PER_DAY, rng.exponential(5 * SECONDS_PER_DAY)));
    let t = signupTs + delay;
    // The hand-placed customers always buy, even when they signed up at the very end of the period.
    if (forced && t > period.endTs) t = signupTs + Math.ceil((period.endTs - signupTs) / 2);
    if (t <= period.endTs) {
      orderTimes.push(t);
      // BG/NBD: after every purchase the customer drops out with probability p; while active, purchases
      // arrive as a Poisson process with rate lambda x seasonality (simulated by thinning).
      while (orderTimes.length < MAX_ORDERS && !rng.chance(dropout)) {
        let next = t;
        let accepted = false;
        while (!accepted) {
          next += rng.exponential(SECONDS_PER_DAY / (lambdaPerDay * ORDER_SEASON_MAX));
          if (next > period.endTs) break;
          const season = period.orderSeason[Math.floor(next / SECONDS_PER_DAY) - period.startDay] as number;
          accepted = rng.chance(season / ORDER_SEASON_MAX);
        }
        if (!accepted) break;
        // Two orders within ten minutes are one basket; keep them apart so order times stay distinct.
        t = Math.max(Math.floor(next), t + 600);
        if (t > period.endTs) break;
        orderTimes.push(t);
      }
    }
  }

  const orders: Order[] = orderTimes.map((ts, k) => {
    const category: Category = rng.chance(0.75) ? favourite : CATEGORY_TABLE.pick(rng);
    const offset = Math.floor(ts / SECONDS_PER_DAY) - period.startDay;
    const promotion = (period.orderSeason[offset] as number) >= 1.5;
    const gross = Math.max(
      990,
      Math.round(
        100 *
          level *
          category.valueFactor *
          rng.lognormalMean(1, MONETARY.sigmaWithinCustomer) *
          (promotion ? MONETARY.promotionBasket : 1),
      ),
    );
    const discountChance = discountSensitive ? (promotion ? 0.9 : 0.55) : promotion ? 0.45 : 0.08;
    const rate = rng.chance(discountChance)
      ? rng.pick(discountSensitive ? DISCOUNT_RATES_SENSITIVE : DISCOUNT_RATES_OCCASIONAL)
      : 0;
    // First orders often come with a welcome coupon.
    const discountCents = Math.round(gross * (k === 0 && rate === 0 && rng.chance(0.3) ? 0.1 : rate));
    const amountCents = gross - discountCents;
    return {
      ts,
      amountCents,
      discountCents,
      marginCents: Math.round(amountCents * category.marginRate),
      category: category.code,
      salesChannel: salesChannel(rng, spec, inChina),
    };
  });
  const revenueCents = orders.reduce((s, o) => s + o.amountCents, 0);
  const tier: Tier =
    revenueCents >= VALUE_TIERS.high * 100 ? "high" : revenueCents >= VALUE_TIERS.mid * 100 ? "mid" : "low";

  const table = (inChina ? 0 : 3) + ageBand(age);
  const touches = buildTouches(rng, {
    channels: ctx.channels,
    spend: ctx.spend,
    period,
    prospect: ctx.preferences.prospect[table] as WeightedTable<number>,
    repeat: ctx.preferences.repeat[table] as WeightedTable<number>,
    acquisitionChannel: channelIndex,
    signupTs,
    orderTs: orderTimes,
    buyer: orders.length > 0,
  });
  const claims = claimOrders(rng, ctx.claimRules, touches, orders, ctx.eligible);
  const nps = npsAnswer(rng, {
    period,
    inChina,
    tier,
    buyer: orders.length > 0,
    hasTicket: ctx.ticketIndices.has(index) || forced !== null,
    after: (orderTimes[0] ?? signupTs) + 3 * SECONDS_PER_DAY,
  });

  return {
    index,
    channelIndex,
    name: person.display,
    email,
    phone,
    city,
    inChina,
    signupTs,
    marketingConsent,
    birthYear: period.endYear - age,
    gender,
    orders,
    touches,
    claims,
    nps,
    revenueCents,
    tier,
  };
}

function salesChannel(rng: Rng, spec: ChannelSpec, inChina: boolean): SalesChannel {
  const u = rng.float();
  if (!inChina) return u < 0.85 ? "online" : "app";
  if (spec.type === "offline") return u < 0.5 ? "store" : u < 0.8 ? "online" : "app";
  return u < 0.6 ? "online" : u < 0.9 ? "app" : u < 0.97 ? "marketplace" : "store";
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
