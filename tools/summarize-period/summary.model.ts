// From the SQL cells to the summary's numbers: per channel and campaign both periods' volumes, the headline metrics
// with their changes, and the movers with their exact driver decompositions. Pure: cells in, numbers out.
import {
  type Decomposition,
  decomposeNewCustomers,
  decomposeRevenue,
  decomposeRoas,
  type Volumes,
} from "./decomposition.model.ts";
import { factorChange } from "./driver-sentence.ts";
import type { ClaimCell, OrderCell, SpendCell } from "./summary.queries.ts";

/** One key's volumes in one period, with what the platforms claim for it. */
export interface Cell extends Volumes {
  impressions: number;
  claimedConversions: number;
  claimedValue: number;
  /** Whether any claim was found (false: the platforms report none for this key). */
  claimed: boolean;
}

export interface Pair {
  current: Cell;
  previous: Cell;
}

export const emptyCell = (): Cell => ({
  spend: 0,
  clicks: 0,
  orders: 0,
  revenue: 0,
  newCustomers: 0,
  impressions: 0,
  claimedConversions: 0,
  claimedValue: 0,
  claimed: false,
});

function add(into: Cell, from: Partial<Cell>): void {
  for (const [k, v] of Object.entries(from)) {
    const key = k as keyof Cell;
    if (key === "claimed") into.claimed ||= Boolean(v);
    else if (typeof v === "number") (into[key] as number) += v;
  }
}

export interface Grouped {
  total: Pair;
  /** By channel id; null = orders without a touch. */
  channels: Map<number | null, Pair>;
  /** By campaign id; orders without a campaign are left out. */
  campaigns: Map<number, Pair>;
  /** Which claims each key's claimed numbers come from, for the definitions. */
  claimSources: Set<"ad reports" | "conversion log">;
}

/**
 * Cells per key and period. Claims per campaign and period come from the ad reports where they carry a conversion
 * column, else from the platforms' conversion log, never both (the same claims twice).
 */
export function groupCells(
  orders: readonly OrderCell[],
  spend: readonly SpendCell[],
  logged: readonly ClaimCell[],
  channelOfCampaign: ReadonlyMap<number, number>,
): Grouped {
  const g: Grouped = { total: pair(), channels: new Map(), campaigns: new Map(), claimSources: new Set() };
  const put = (p: number, channel: number | null, campaign: number | null, values: Partial<Cell>) => {
    const side = p === 1 ? "current" : "previous";
    add(g.total[side], values);
    const c = g.channels.get(channel) ?? pair();
    g.channels.set(channel, c);
    add(c[side], values);
    if (campaign !== null) {
      const k = g.campaigns.get(campaign) ?? pair();
      g.campaigns.set(campaign, k);
      add(k[side], values);
    }
  };
  for (const o of orders) {
    put(o.p, o.channel_id, o.campaign_id, { orders: o.orders, revenue: o.revenue, newCustomers: o.new_customers });
  }
  const reported = new Set<string>();
  for (const s of spend) {
    const claims =
      s.report_conversions === null
        ? {}
        : { claimedConversions: s.report_conversions, claimedValue: s.report_value ?? 0, claimed: true };
    if (s.report_conversions !== null) {
      reported.add(`${s.p}:${s.campaign_id}`);
      g.claimSources.add("ad reports");
    }
    put(s.p, s.channel_id, s.campaign_id, { spend: s.spend, clicks: s.clicks, impressions: s.impressions, ...claims });
  }
  for (const c of logged) {
    if (c.campaign_id !== null && reported.has(`${c.p}:${c.campaign_id}`)) continue;
    g.claimSources.add("conversion log");
    const channel = c.channel_id ?? (c.campaign_id === null ? null : (channelOfCampaign.get(c.campaign_id) ?? null));
    put(c.p, channel, c.campaign_id, { claimedConversions: c.conversions, claimedValue: c.value, claimed: true });
  }
  return g;
}

const pair = (): Pair => ({ current: emptyCell(), previous: emptyCell() });

/** A value in both periods and its change; null where the value is undefined (a zero denominator). */
export interface Change {
  current: number | null;
  previous: number | null;
  /** current - previous. */
  change_absolute: number | null;
  /** (current - previous) / |previous|; null when previous is 0 or either is missing. */
  change: number | null;
}

const round = (x: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

export function changeOf(current: number | null, previous: number | null, digits = 4): Change {
  const known = current !== null && previous !== null;
  return {
    current: current === null ? null : round(current, digits),
    previous: previous === null ? null : round(previous, digits),
    change_absolute: known ? round(current - previous, digits) : null,
    change: known && previous !== 0 ? round((current - previous) / Math.abs(previous), 4) : null,
  };
}

const div = (n: number, d: number) => (d === 0 ? null : n / d);

/** The headline metrics of a pair; ratios null where their denominator is 0. */
export function metricsOf(p: Pair) {
  const m = (f: (c: Cell) => number | null, digits = 4) => changeOf(f(p.current), f(p.previous), digits);
  return {
    revenue: m((c) => c.revenue, 2),
    spend: m((c) => c.spend, 2),
    roas: m((c) => div(c.revenue, c.spend)),
    claimed_roas: m((c) => (c.claimed ? div(c.claimedValue, c.spend) : null)),
    claimed_conversions: m((c) => (c.claimed ? c.claimedConversions : null), 2),
    claimed_value: m((c) => (c.claimed ? c.claimedValue : null), 2),
    orders: m((c) => c.orders, 0),
    new_customers: m((c) => c.newCustomers, 0),
    cac: m((c) => (c.spend === 0 ? null : div(c.spend, c.newCustomers)), 2),
    conversion_rate: m((c) => div(c.orders, c.clicks)),
    aov: m((c) => div(c.revenue, c.orders), 2),
    cpc: m((c) => div(c.spend, c.clicks)),
    clicks: m((c) => c.clicks, 0),
    impressions: m((c) => c.impressions, 0),
  };
}

export interface Drivers {
  revenue: Decomposition;
  roas: Decomposition | null;
  new_customers: Decomposition;
}

export function driversOf(p: Pair): Drivers {
  return {
    revenue: decomposeRevenue(p.previous, p.current),
    roas: decomposeRoas(p.previous, p.current),
    new_customers: decomposeNewCustomers(p.previous, p.current),
  };
}

/** Keys ranked by revenue change: the `top` largest rises and the `top` largest falls. */
export function rankMovers<K>(pairs: ReadonlyMap<K, Pair>, top: number): { up: K[]; down: K[] } {
  const moves = [...pairs].map(([key, p]) => ({ key, delta: p.current.revenue - p.previous.revenue }));
  return {
    up: moves
      .filter((m) => m.delta > 0)
      .sort((a, b) => b.delta - a.delta)
      .slice(0, top)
      .map((m) => m.key),
    down: moves
      .filter((m) => m.delta < 0)
      .sort((a, b) => a.delta - b.delta)
      .slice(0, top)
      .map((m) => m.key),
  };
}

/** A decomposition with its numbers rounded for the result (money to cents, ratios to 4 decimals). */
export function presentDecomposition(d: Decomposition, digits: number) {
  return {
    identity: d.identity,
    method: d.method,
    previous: round(d.previous, digits),
    current: round(d.current, digits),
    change: round(d.change, digits),
    terms: d.terms.map((t) => ({
      factor: t.name,
      previous: round(t.previous, 6),
      current: round(t.current, 6),
      contribution: round(t.contribution, digits),
    })),
  };
}

const FACTOR_KEYS: Record<string, string> = { clicks_per_spend: "cpc" };

/**
 * A decomposition as movers carry it, small enough for a model's context: each factor's term (`terms`, in the
 * metric's unit, summing to `change`) and its own relative change as people read it (`factor_change`; CPC for
 * clicks per spend, so `terms.cpc` is what CPC's change did to the metric).
 */
export function compactDecomposition(d: Decomposition, digits: number) {
  const key = (name: string) => FACTOR_KEYS[name] ?? name;
  return {
    method: d.method,
    change: round(d.change, digits),
    terms: Object.fromEntries(d.terms.map((t) => [key(t.name), round(t.contribution, digits)])),
    factor_change: Object.fromEntries(
      d.terms.map((t) => {
        const c = factorChange(t);
        return [key(t.name), c === null ? null : round(c, 4)];
      }),
    ),
  };
}

/** A value in both periods and its relative change, without the absolute change (movers' compact form). */
export const brief = (c: Change) => ({ current: c.current, previous: c.previous, change: c.change });
