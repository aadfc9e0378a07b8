// Budget allocation with equal marginal returns: maximise sum_i f_i(x_i) subject to sum_i x_i = B and lo_i <= x_i <= hi_i.
//
// KKT: at the optimum there is one multiplier lambda with f_i'(x_i) = lambda for every channel strictly inside its
// bounds, f_i'(x_i) <= lambda at a lower bound and >= lambda at an upper bound. For concave f_i the spend
// x_i(lambda) = clamp(f_i'^-1(lambda), lo_i, hi_i) is non-increasing in lambda, so bisection on lambda for
// sum x_i(lambda) = B finds the exact optimum.
//
// S-shaped curves (Hill k > 1) are replaced by their concave hull on [lo, hi]: a straight line from (lo, f(lo)) to
// the tangency point x_t, then the curve itself. The channel gets lo while lambda exceeds the hull slope f'(x_t) and
// at least x_t below it, so it is never parked on the convex part where more spend would raise its marginal
// return. Where the budget falls inside such a jump the channel takes the remainder on the straight segment; that
// is the standard hull approximation (exact unless a jump is split) and is flagged in the optimality report.
import { type Curve, curveInverseMarginal, curveMarginal, curveValue, isConcave } from "./curves.model.ts";

export type BoundKind = "min" | "max" | "change" | "locked" | "none";

export interface BudgetChannel {
  name: string;
  curve: Curve;
  /** Current weekly spend; needed for `locked` and the change limit. */
  current?: number;
  /** Lowest allowed spend; default 0. */
  min?: number;
  /** Highest allowed spend; default unbounded. */
  max?: number;
  /** Keep spend at `current`. */
  locked?: boolean;
  /** Per-channel override of the largest relative change vs current (0.3 = +/-30%). */
  maxChange?: number;
}

export interface OptimiseOptions {
  /** Budget to split (mode "total"); exactly one of total and targetMarginal. */
  total?: number;
  /** Mode "target": the largest budget whose marginal return d outcome / d spend stays >= this. */
  targetMarginal?: number;
  /** Largest relative change vs current for channels that give `current` (0.3 = +/-30%); default none. */
  maxChange?: number;
}

export interface ChannelAllocation {
  name: string;
  /** Recommended spend, in whole cents; the channels' spends add up to the total to the cent. */
  spend: number;
  /** The continuous optimum before cent rounding (for comparisons finer than a cent). */
  exactSpend: number;
  outcome: number;
  /** d outcome / d spend at the recommended spend. */
  marginal: number;
  /** Which constraint holds the channel, "none" when it sits at the equal-marginal point. */
  bound: BoundKind;
  lower: number;
  upper: number;
}

export interface OptimalityReport {
  /** Channels with bound "none": their marginal returns should all equal lambda. */
  freeChannels: number;
  /** max - min of the marginal returns of the free channels (0 when fewer than two). */
  marginalSpread: number;
  /** marginalSpread / lambda. */
  relativeSpread: number;
  /** All curves concave on their bounds, so the allocation is the exact optimum (up to cent rounding). */
  exact: boolean;
  /** Channels with S-shaped curves whose spend was set on the concave hull's straight segment. */
  hullSplit: string[];
}

export interface BudgetAllocation {
  mode: "total" | "target";
  /** Budget allocated (the given total, or in target mode the largest total meeting the threshold). */
  total: number;
  totalOutcome: number;
  /** The common marginal return (Lagrange multiplier); null when every channel is pinned by its bounds. */
  lambda: number | null;
  channels: ChannelAllocation[];
  optimality: OptimalityReport;
}

interface Prepared {
  curve: Curve;
  lo: number;
  hi: number;
  loKind: BoundKind;
  hiKind: BoundKind;
  concave: boolean;
  /** For S-shaped curves: the tangency point of the concave hull from lo, and the hull slope there. */
  hullX: number;
  hullSlope: number;
}

const fmt = (v: number): string => v.toLocaleString("en-US", { maximumFractionDigits: 2 });

/** Optimal split of a budget across channels under min/max, change and lock constraints (equal marginal returns). */
export function optimiseBudget(channels: readonly BudgetChannel[], options: OptimiseOptions): BudgetAllocation {
  const hasTotal = options.total !== undefined;
  const hasTarget = options.targetMarginal !== undefined;
  if (hasTotal === hasTarget) throw new RangeError("give exactly one of total or targetMarginal");
  if (channels.length === 0) throw new RangeError("no channels to allocate");
  const prepared = channels.map((c) => prepare(c, options.maxChange));

  if (hasTarget) {
    const target = options.targetMarginal as number;
    if (!(target > 0) || !Number.isFinite(target)) throw new RangeError(`targetMarginal must be > 0, got ${target}`);
    const x = prepared.map((p) => spendAt(p, target));
    // Floor to cents so rounding never pushes a channel past the point where its marginal return drops below target.
    const cents = prepared.map((p, i) => clampInt(Math.floor((x[i] as number) * 100 + 1e-6), loCents(p), hiCents(p)));
    return report("target", channels, prepared, x, cents, target, []);
  }

  const total = options.total as number;
  if (!(total >= 0) || !Number.isFinite(total))
    throw new RangeError(`total must be a finite amount >= 0, got ${total}`);
  checkFeasible(channels, prepared, total);
  const { x, lambda, hullSplit } = solveTotal(prepared, total);
  const cents = roundToCents(prepared, x, Math.round(total * 100));
  return report(
    "total",
    channels,
    prepared,
    x,
    cents,
    lambda,
    hullSplit.map((i) => (channels[i] as BudgetChannel).name),
  );
}

/** Spend a channel would get if every extra unit had to earn at least lambda (clamped to its bounds). */
function spendAt(p: Prepared, lambda: number): number {
  if (p.hi - p.lo <= 0) return p.lo;
  if (!p.concave) {
    if (lambda > p.hullSlope) return p.lo;
    if (p.hullX >= p.hi) return p.hi;
    return solveMarginal(p.curve, lambda, p.hullX, p.hi);
  }
  const inv = curveInverseMarginal(p.curve, lambda);
  if (inv !== undefined) return Math.min(p.hi, Math.max(p.lo, inv));
  return solveMarginal(p.curve, lambda, p.lo, p.hi);
}

/** x in [a, b] with f'(x) = lambda where f' is non-increasing on [a, b], by bisection (clamped at the ends). */
function solveMarginal(c: Curve, lambda: number, a: number, b: number): number {
  if (curveMarginal(c, a) <= lambda) return a;
  let hi = b;
  if (!Number.isFinite(hi)) {
    hi = Math.max(2 * a, 1);
    while (hi < 1e300 && curveMarginal(c, hi) > lambda) hi *= 2;
  } else if (curveMarginal(c, hi) >= lambda) return hi;
  let lo = a;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * Math.max(1, hi); i++) {
    const mid = 0.5 * (lo + hi);
    if (curveMarginal(c, mid) > lambda) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

function solveTotal(
  ps: readonly Prepared[],
  total: number,
): { x: number[]; lambda: number | null; hullSplit: number[] } {
  const sumAt = (lambda: number): number => ps.reduce((s, p) => s + spendAt(p, lambda), 0);
  if (ps.every((p) => p.hi - p.lo <= 0)) return { x: ps.map((p) => p.lo), lambda: null, hullSplit: [] };
  // Bracket lambda geometrically: sumAt is non-increasing in lambda.
  let a = 1; // sumAt(a) >= total
  let b = 1; // sumAt(b) <= total
  if (sumAt(1) > total) {
    for (let i = 0; i < 250 && sumAt(b) > total; i++) b *= 16;
    a = b / 16;
  } else {
    for (let i = 0; i < 250 && sumAt(a) < total; i++) a /= 16;
    b = a * 16;
  }
  for (let i = 0; i < 300 && b / a - 1 > 1e-15; i++) {
    const mid = Math.sqrt(a * b);
    if (sumAt(mid) >= total) a = mid;
    else b = mid;
  }
  const xa = ps.map((p) => spendAt(p, a));
  const x = ps.map((p) => spendAt(p, b));
  // The gap between the two sides is float noise for concave curves, or an S-curve jumping onto its hull: give it
  // to the channels that move between the sides, in channel order, then to any channel with room.
  let rest = total - x.reduce((s, v) => s + v, 0);
  const hullSplit: number[] = [];
  for (let i = 0; i < ps.length && rest > 0; i++) {
    const add = Math.min(rest, (xa[i] as number) - (x[i] as number));
    if (add > 0) {
      x[i] = (x[i] as number) + add;
      rest -= add;
      if (!(ps[i] as Prepared).concave && add > 1e-6 * Math.max(1, total)) hullSplit.push(i);
    }
  }
  for (let i = 0; i < ps.length && rest > 0; i++) {
    const add = Math.min(rest, (ps[i] as Prepared).hi - (x[i] as number));
    if (add > 0) {
      x[i] = (x[i] as number) + add;
      rest -= add;
    }
  }
  return { x, lambda: Math.sqrt(a * b), hullSplit };
}

function prepare(c: BudgetChannel, globalChange: number | undefined): Prepared {
  const name = c.name;
  let lo = c.min ?? 0;
  let hi = c.max ?? Number.POSITIVE_INFINITY;
  let loKind: BoundKind = "min";
  let hiKind: BoundKind = "max";
  if (lo < 0 || Number.isNaN(lo)) throw new RangeError(`${name}: minimum ${lo} is negative`);
  if (lo > hi) throw new RangeError(`${name}: minimum ${fmt(lo)} is above maximum ${fmt(hi)}`);
  if (c.current !== undefined && !(c.current >= 0)) throw new RangeError(`${name}: current spend must be >= 0`);
  if (c.locked) {
    if (c.current === undefined) throw new RangeError(`${name} is locked but has no current spend`);
    lo = c.current;
    hi = c.current;
    loKind = "locked";
    hiKind = "locked";
  } else {
    const change = c.maxChange ?? globalChange;
    if (change !== undefined && c.current !== undefined) {
      if (!(change >= 0)) throw new RangeError(`${name}: maxChange must be >= 0, got ${change}`);
      const down = c.current * (1 - change);
      const up = c.current * (1 + change);
      if (down > lo) {
        lo = down;
        loKind = "change";
      }
      if (up < hi) {
        hi = up;
        hiKind = "change";
      }
      if (lo > hi) {
        throw new RangeError(
          `${name}: the +/-${fmt(change * 100)}% change limit around ${fmt(c.current)} does not meet its min/max`,
        );
      }
    }
  }
  const concave = isConcave(c.curve);
  const p: Prepared = { curve: c.curve, lo, hi, loKind, hiKind, concave, hullX: lo, hullSlope: 0 };
  if (!concave) Object.assign(p, concaveHull(c.curve, lo, hi));
  return p;
}

/** Tangency point x_t >= lo of the line from (lo, f(lo)) that touches f, and its slope (S-shaped curves). */
function concaveHull(c: Curve, lo: number, hi: number): { hullX: number; hullSlope: number; concave: boolean } {
  const peak = marginalPeak(c, lo, hi);
  // Marginal already falling at lo: the curve is concave on [lo, hi].
  if (peak <= lo) return { hullX: lo, hullSlope: curveMarginal(c, lo), concave: true };
  const f0 = curveValue(c, lo);
  const g = (x: number): number => curveMarginal(c, x) * (x - lo) - (curveValue(c, x) - f0);
  let b = peak;
  for (let i = 0; i < 200 && g(b) >= 0 && b < hi; i++) b = Math.min(hi, lo + 2 * (b - lo));
  if (g(b) >= 0) return { hullX: hi, hullSlope: (curveValue(c, hi) - f0) / (hi - lo), concave: false };
  let a = peak;
  for (let i = 0; i < 200 && b - a > 1e-12 * Math.max(1, b); i++) {
    const mid = 0.5 * (a + b);
    if (g(mid) >= 0) a = mid;
    else b = mid;
  }
  return { hullX: b, hullSlope: curveMarginal(c, b), concave: false };
}

/** Where the marginal return peaks on [lo, hi] (S-curves: f' rises then falls). */
function marginalPeak(c: Curve, lo: number, hi: number): number {
  const hint = scaleHint(c);
  let best = lo;
  let bestM = curveMarginal(c, lo);
  const grid: number[] = [];
  for (let j = -30; j <= 30; j++) grid.push(lo + hint * 2 ** (j / 2));
  for (const x of grid) {
    if (x > hi) break;
    const m = curveMarginal(c, x);
    if (m > bestM) {
      bestM = m;
      best = x;
    }
  }
  if (best === lo) return lo;
  // Golden-section refinement of the peak between its grid neighbours.
  let a = lo + (best - lo) / Math.SQRT2;
  let b = Math.min(hi, lo + (best - lo) * Math.SQRT2);
  const r = (Math.sqrt(5) - 1) / 2;
  for (let i = 0; i < 100 && b - a > 1e-12 * b; i++) {
    const x1 = b - r * (b - a);
    const x2 = a + r * (b - a);
    if (curveMarginal(c, x1) >= curveMarginal(c, x2)) b = x2;
    else a = x1;
  }
  return 0.5 * (a + b);
}

/** A natural spend scale of a curve, to place the search grid for S-curves. */
function scaleHint(c: Curve): number {
  switch (c.form) {
    case "hill":
      return c.h;
    case "log":
      return Math.max(c.shift, 1);
    case "exponential":
      return 1 / c.b;
    case "logistic":
      return 1 / c.lam;
    case "sum":
      return Math.min(...c.terms.map((t) => scaleHint(t.curve) / t.scale));
  }
}

function checkFeasible(channels: readonly BudgetChannel[], ps: readonly Prepared[], total: number): void {
  const sumLo = ps.reduce((s, p) => s + p.lo, 0);
  const sumHi = ps.reduce((s, p) => s + p.hi, 0);
  const tol = 1e-9 * Math.max(1, total);
  const parts = (pick: (p: Prepared) => number, kinds: (p: Prepared) => BoundKind): string =>
    ps
      .map((p, i) => ({ p, i }))
      .filter(({ p }) => pick(p) > 0 && Number.isFinite(pick(p)))
      .sort((u, v) => pick(v.p) - pick(u.p))
      .slice(0, 5)
      .map(({ p, i }) => `${(channels[i] as BudgetChannel).name} ${fmt(pick(p))} (${kinds(p)})`)
      .join(", ");
  if (sumLo > total + tol) {
    throw new RangeError(
      `minimums add up to ${fmt(sumLo)} but the total is ${fmt(total)}: ${parts(
        (p) => p.lo,
        (p) => p.loKind,
      )}`,
    );
  }
  if (sumHi < total - tol) {
    throw new RangeError(
      `maximums add up to ${fmt(sumHi)} but the total is ${fmt(total)}: ${parts(
        (p) => p.hi,
        (p) => p.hiKind,
      )}`,
    );
  }
}

const loCents = (p: Prepared): number => Math.min(Math.ceil(p.lo * 100 - 1e-6), hiCentsRaw(p));
const hiCentsRaw = (p: Prepared): number =>
  Number.isFinite(p.hi) ? Math.floor(p.hi * 100 + 1e-6) : Number.MAX_SAFE_INTEGER;
// A bound pair inside one cent (e.g. a locked 10.005) rounds to the nearest cent rather than becoming empty.
const hiCents = (p: Prepared): number =>
  Math.ceil(p.lo * 100 - 1e-6) > hiCentsRaw(p) ? Math.round(p.lo * 100) : hiCentsRaw(p);
const clampInt = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/** Integer cents summing exactly to totalCents: floor, then hand out the remainder by largest fraction, then index. */
function roundToCents(ps: readonly Prepared[], x: readonly number[], totalCents: number): number[] {
  const lo = ps.map((p) => (Math.ceil(p.lo * 100 - 1e-6) > hiCentsRaw(p) ? Math.round(p.lo * 100) : loCents(p)));
  const hi = ps.map(hiCents);
  const raw = x.map((v) => v * 100);
  const cents = raw.map((v, i) => clampInt(Math.floor(v + 1e-6), lo[i] as number, hi[i] as number));
  let diff = totalCents - cents.reduce((s, v) => s + v, 0);
  const order = raw
    .map((v, i) => ({ i, frac: v - Math.floor(v + 1e-6) }))
    .sort((a, b) => b.frac - a.frac || a.i - b.i)
    .map((o) => o.i);
  while (diff !== 0) {
    const step = diff > 0 ? 1 : -1;
    const list = step > 0 ? order : [...order].reverse();
    let moved = false;
    for (const i of list) {
      if (diff === 0) break;
      const next = (cents[i] as number) + step;
      if (next < (lo[i] as number) || next > (hi[i] as number)) continue;
      // Spread a large remainder in whole passes so no single channel absorbs it all.
      const share = Math.max(1, Math.floor(Math.abs(diff) / ps.length));
      const room = step > 0 ? (hi[i] as number) - (cents[i] as number) : (cents[i] as number) - (lo[i] as number);
      const d = Math.min(share, room, Math.abs(diff));
      cents[i] = (cents[i] as number) + step * d;
      diff -= step * d;
      moved = true;
    }
    if (!moved) throw new RangeError("the bounds cannot be met to the cent with this total");
  }
  return cents;
}

function report(
  mode: "total" | "target",
  channels: readonly BudgetChannel[],
  ps: readonly Prepared[],
  x: readonly number[],
  cents: readonly number[],
  lambda: number | null,
  hullSplit: string[],
): BudgetAllocation {
  const out: ChannelAllocation[] = ps.map((p, i) => {
    const c = cents[i] as number;
    const spend = c / 100;
    const bound: BoundKind = c <= loCents(p) ? p.loKind : c >= hiCents(p) ? p.hiKind : "none";
    return {
      name: (channels[i] as BudgetChannel).name,
      spend,
      exactSpend: x[i] as number,
      outcome: curveValue(p.curve, spend),
      marginal: curveMarginal(p.curve, spend),
      bound,
      lower: p.lo,
      upper: p.hi,
    };
  });
  const free = out.filter((c) => c.bound === "none").map((c) => c.marginal);
  const spread = free.length > 1 ? Math.max(...free) - Math.min(...free) : 0;
  return {
    mode,
    total: cents.reduce((s, v) => s + v, 0) / 100,
    totalOutcome: out.reduce((s, c) => s + c.outcome, 0),
    lambda,
    channels: out,
    optimality: {
      freeChannels: free.length,
      marginalSpread: spread,
      relativeSpread: lambda ? spread / lambda : 0,
      exact: ps.every((p) => p.concave),
      hullSplit,
    },
  };
}
