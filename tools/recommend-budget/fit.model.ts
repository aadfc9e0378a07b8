// Fitting one channel's response curve from weekly (spend, outcome) history.
//
// Every form is outcome = c + a * g(adstock(spend); p): c (baseline, optional) and a (scale) enter linearly, so for
// given shape parameters p they have a closed-form least-squares solution ("variable projection"). Only p (one
// parameter, two for Hill) is searched, on a log scale: a grid then golden section, or Nelder-Mead for Hill.
// Geometric adstock theta is picked per form by in-sample error over a grid; the form is then picked by
// rolling-origin (expanding window) cross-validation over weeks, which never trains on weeks after the ones it
// predicts. The band is a pairs bootstrap over weeks with theta and the form held fixed.
import {
  type Curve,
  curveValue,
  type ExponentialCurve,
  geometricAdstock,
  type HillCurve,
  type LogCurve,
  type LogisticCurve,
  steadyStateCurve,
} from "./curves.model.ts";
import { minimiseScalar, mulberry32, nelderMead, quantile } from "./minimise.model.ts";

export type FitForm = "log" | "hill" | "exponential" | "logistic";
export const FIT_FORMS: readonly FitForm[] = ["log", "hill", "exponential", "logistic"];

export interface FitOptions {
  /** Forms to try; default all four. */
  forms?: readonly FitForm[];
  /** Adstock carry-over rates to try, each in [0, 0.9]; default 0, 0.1, ..., 0.9. */
  thetaGrid?: readonly number[];
  /** Fit a baseline outcome at zero spend; default false (the outcome is the channel's own, 0 at 0 spend). */
  intercept?: boolean;
  /** Rolling-origin folds for form selection; default 4 (train on the first 60/70/80/90% of weeks). */
  folds?: number;
  /** Bootstrap resamples for the band; default 200, 0 for none. */
  bootstrap?: number;
  /** PRNG seed for the bootstrap; default 1. */
  seed?: number;
  /** Weekly spends at which to report the band; default the observed min, mean and max spend. */
  bandAt?: readonly number[];
  /** Fewest weeks with spend > 0; default 8. */
  minWeeks?: number;
  /** Smallest coefficient of variation of weekly spend; default 0.1. */
  minVariation?: number;
}

export interface FitQuality {
  /** In-sample 1 - SSE / SST. */
  r2: number;
  /** In-sample mean absolute percentage error over weeks with a non-zero outcome, as a fraction. */
  mape: number;
  /** Root mean squared error on the held-out weeks of the rolling-origin folds. */
  cvRmse: number;
}

export interface FitCandidate {
  form: FitForm;
  theta: number;
  r2: number;
  cvRmse: number;
}

export interface OutcomeBand {
  spend: number[];
  p05: number[];
  p50: number[];
  p95: number[];
  resamples: number;
}

/** One bootstrap draw: its steady-state curve and baseline. */
export interface CurveDraw {
  curve: Curve;
  baseline: number;
}

export interface FittedChannel {
  status: "ok";
  form: FitForm;
  /** Adstock carry-over rate (0 = none). */
  theta: number;
  /** Curve on the adstocked spend level, as fitted. */
  responseCurve: Curve;
  /** Curve on a weekly spend held constant (adstock steady state x / (1 - theta)): what the optimiser takes. */
  curve: Curve;
  /** Outcome at zero spend (0 unless `intercept`). */
  baseline: number;
  quality: FitQuality;
  /** Every form tried, for "how I got this". */
  candidates: FitCandidate[];
  band?: OutcomeBand;
  draws?: CurveDraw[];
  weeks: number;
  validation: "rolling-origin";
}

export interface InsufficientData {
  status: "insufficient_data";
  reason: string;
}

export type ChannelFit = FittedChannel | InsufficientData;

interface ShapeFit {
  p: number[];
  a: number;
  c: number;
  sse: number;
}

const DEFAULT_THETAS = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

/** How far beyond its history a channel's curve is trusted: this multiple of its highest weekly spend. */
export const TRUST_MULTIPLE = 2;
/** A fit promising more than this multiple of the best week seen, within the trusted range, is rejected. */
const PLAUSIBLE_OUTCOME_MULTIPLE = 4;

/** Fits the best response curve to weekly spend and outcome, or says why the data cannot support one. */

export function fitResponseCurve(
  spend: readonly number[],
  outcome: readonly number[],
  options: FitOptions = {},
): ChannelFit {
  if (spend.length !== outcome.length) {
    throw new RangeError(`spend has ${spend.length} weeks but outcome has ${outcome.length}`);
  }
  if (spend.some((v) => !(v >= 0) || !Number.isFinite(v)) || outcome.some((v) => !Number.isFinite(v))) {
    throw new RangeError("spend must be finite and >= 0, outcome finite");
  }
  const minWeeks = options.minWeeks ?? 8;
  const minVariation = options.minVariation ?? 0.1;
  const n = spend.length;
  const withSpend = spend.filter((v) => v > 0).length;
  if (withSpend < minWeeks) {
    return { status: "insufficient_data", reason: `only ${withSpend} weeks with spend; at least ${minWeeks} needed` };
  }
  const mean = spend.reduce((s, v) => s + v, 0) / n;
  const sd = Math.sqrt(spend.reduce((s, v) => s + (v - mean) ** 2, 0) / n);
  const cv = sd / mean;
  if (cv < minVariation) {
    return {
      status: "insufficient_data",
      reason: `weekly spend barely varies (coefficient of variation ${cv.toFixed(3)} < ${minVariation}), so the response to other spend levels cannot be learned`,
    };
  }
  const intercept = options.intercept ?? false;
  const forms = options.forms ?? FIT_FORMS;
  const thetas = options.thetaGrid ?? DEFAULT_THETAS;
  for (const t of thetas)
    if (!(t >= 0 && t <= 0.9)) throw new RangeError(`adstock theta must be in [0, 0.9], got ${t}`);
  const y = Float64Array.from(outcome);
  // Weeks before the history are assumed to have had the first week's spend, so early weeks are not under-adstocked.
  const adstocked = new Map(
    thetas.map((t) => [t, Float64Array.from(geometricAdstock(spend, t, t > 0 ? (spend[0] as number) / (1 - t) : 0))]),
  );

  const candidates: (FitCandidate & { fit: ShapeFit })[] = [];
  for (const form of forms) {
    let best: { theta: number; fit: ShapeFit } | undefined;
    for (const theta of thetas) {
      const x = adstocked.get(theta) as Float64Array;
      const fit = fitShape(form, x, y, intercept);
      if (!best || fit.sse < best.fit.sse) best = { theta, fit };
    }
    if (!best || !(best.fit.a > 0)) continue;
    const x = adstocked.get(best.theta) as Float64Array;
    const cvRmse = rollingOrigin(form, x, y, intercept, options.folds ?? 4, best.fit.p);
    candidates.push({ form, theta: best.theta, r2: rSquared(y, best.fit.sse), cvRmse, fit: best.fit });
  }
  if (candidates.length === 0) {
    return { status: "insufficient_data", reason: "outcome does not rise with spend under any curve form" };
  }
  candidates.sort((u, v) => u.cvRmse - v.cvRmse || FIT_FORMS.indexOf(u.form) - FIT_FORMS.indexOf(v.form));
  const chosen = candidates[0] as FitCandidate & { fit: ShapeFit };
  // A curve that forecasts held-out weeks no better than their training mean has learned nothing about spend.
  const naive = naiveRmse(y, options.folds ?? 4);
  if (!(chosen.cvRmse < naive)) {
    return {
      status: "insufficient_data",
      reason: `spend does not explain the outcome: the best curve (${chosen.form}) forecasts held-out weeks no better than their average (RMSE ${chosen.cvRmse.toPrecision(3)} vs ${naive.toPrecision(3)})`,
    };
  }
  const x = adstocked.get(chosen.theta) as Float64Array;
  const responseCurve = toCurve(chosen.form, chosen.fit);
  // The optimiser may move a channel up to TRUST_MULTIPLE x its highest weekly spend; a curve that promises far
  // more than anything seen there is an artefact of a steep fit on noisy weeks, not a response to trust.
  const steady = steadyStateCurve(responseCurve, chosen.theta);
  const highestSpend = Math.max(...spend);
  const highestOutcome = Math.max(...outcome);
  const promised = curveValue(steady, TRUST_MULTIPLE * highestSpend);
  if (highestOutcome > 0 && promised > PLAUSIBLE_OUTCOME_MULTIPLE * highestOutcome) {
    return {
      status: "insufficient_data",
      reason: `the best curve (${chosen.form}) extrapolates implausibly: at ${TRUST_MULTIPLE}x the highest weekly spend it predicts ${promised.toPrecision(3)} a week, more than ${PLAUSIBLE_OUTCOME_MULTIPLE}x the highest weekly outcome seen (${highestOutcome.toPrecision(3)})`,
    };
  }
  let sae = 0;
  let counted = 0;
  for (let t = 0; t < n; t++) {
    const yt = y[t] as number;
    if (yt === 0) continue;
    sae += Math.abs(yt - chosen.fit.c - curveValue(responseCurve, x[t] as number)) / Math.abs(yt);
    counted++;
  }
  const result: FittedChannel = {
    status: "ok",
    form: chosen.form,
    theta: chosen.theta,
    responseCurve,
    curve: steady,
    baseline: chosen.fit.c,
    quality: { r2: chosen.r2, mape: counted ? sae / counted : Number.NaN, cvRmse: chosen.cvRmse },
    candidates: candidates.map(({ form, theta, r2, cvRmse }) => ({ form, theta, r2, cvRmse })),
    weeks: n,
    validation: "rolling-origin",
  };
  const resamples = options.bootstrap ?? 200;
  if (resamples > 0) {
    const draws = bootstrapDraws(
      chosen.form,
      chosen.theta,
      x,
      y,
      intercept,
      chosen.fit.p,
      resamples,
      options.seed ?? 1,
    );
    const bandAt = options.bandAt ?? [Math.min(...spend), mean, Math.max(...spend)];
    const at = bandAt.map((s) => draws.map((d) => d.baseline + curveValue(d.curve, s)));
    result.draws = draws;
    result.band = {
      spend: [...bandAt],
      p05: at.map((v) => quantile(v, 0.05)),
      p50: at.map((v) => quantile(v, 0.5)),
      p95: at.map((v) => quantile(v, 0.95)),
      resamples,
    };
  }
  return result;
}

/** Predicted weekly outcome of a fitted channel at a weekly spend held constant (baseline + steady-state curve). */
export function predictOutcome(fit: FittedChannel, weeklySpend: number): number {
  return fit.baseline + curveValue(fit.curve, weeklySpend);
}

/** The curve object of a form from its shape parameters and scale. */
function toCurve(form: FitForm, f: ShapeFit): Curve {
  const p0 = f.p[0] as number;
  switch (form) {
    case "log":
      return { form: "log", alpha: -f.a * Math.log(p0), beta: f.a, shift: p0 } satisfies LogCurve;
    case "exponential":
      return { form: "exponential", k: f.a, b: p0 } satisfies ExponentialCurve;
    case "logistic":
      return { form: "logistic", beta: f.a, lam: p0 } satisfies LogisticCurve;
    case "hill":
      return { form: "hill", L: f.a, h: p0, k: f.p[1] as number } satisfies HillCurve;
  }
}

/** g(x; p), the curve with unit scale, written into out. */
function shape(form: FitForm, p: readonly number[], x: Float64Array, out: Float64Array): void {
  const p0 = p[0] as number;
  for (let t = 0; t < x.length; t++) {
    const v = x[t] as number;
    switch (form) {
      case "log":
        out[t] = Math.log1p(v / p0);
        break;
      case "exponential":
        out[t] = -Math.expm1(-p0 * v);
        break;
      case "logistic":
        out[t] = Math.tanh((p0 * v) / 2);
        break;
      case "hill":
        out[t] = v <= 0 ? 0 : 1 / (1 + (p0 / v) ** (p[1] as number));
        break;
    }
  }
}

/** Least-squares c and a >= 0 for y ~ c + a g (c = 0 without intercept), and the SSE. */
function linearPart(g: Float64Array, y: Float64Array, intercept: boolean): { a: number; c: number; sse: number } {
  const n = g.length;
  let sg = 0;
  let sy = 0;
  let sgg = 0;
  let sgy = 0;
  let syy = 0;
  for (let t = 0; t < n; t++) {
    const gt = g[t] as number;
    const yt = y[t] as number;
    sg += gt;
    sy += yt;
    sgg += gt * gt;
    sgy += gt * yt;
    syy += yt * yt;
  }
  let a: number;
  let c = 0;
  if (intercept) {
    const vg = sgg - (sg * sg) / n;
    a = vg > 1e-300 ? (sgy - (sg * sy) / n) / vg : 0;
    if (!(a > 0)) a = 0;
    c = (sy - a * sg) / n;
  } else {
    a = sgg > 1e-300 ? sgy / sgg : 0;
    if (!(a > 0)) a = 0;
  }
  // Expanded SSE: sum (y - c - a g)^2, cheaper than a second pass; clamp tiny negative rounding.
  const sse = syy + n * c * c + a * a * sgg - 2 * c * sy - 2 * a * sgy + 2 * a * c * sg;
  return { a, c, sse: Math.max(0, sse) };
}

/** Search ranges (in log space) of the shape parameters, scaled by the typical adstocked spend. */
function ranges(form: FitForm, x: Float64Array): [number, number][] {
  let sum = 0;
  let cnt = 0;
  for (const v of x)
    if (v > 0) {
      sum += v;
      cnt++;
    }
  const lm = Math.log(cnt ? sum / cnt : 1);
  switch (form) {
    case "log":
      return [[lm - 7, lm + 5]];
    case "exponential":
    case "logistic":
      return [[-lm - 5, -lm + 4]];
    case "hill":
      return [
        [lm - 5, lm + 5],
        [Math.log(0.3), Math.log(6)],
      ];
  }
}

/** Least-squares fit of one form on (x, y); `warm` (log-parameters) narrows the search around a previous fit. */
function fitShape(
  form: FitForm,
  x: Float64Array,
  y: Float64Array,
  intercept: boolean,
  warm?: readonly number[],
): ShapeFit {
  const g = new Float64Array(x.length);
  const rs = ranges(form, x);
  const clampAll = (q: readonly number[]): number[] =>
    q.map((v, i) => Math.min((rs[i] as [number, number])[1], Math.max((rs[i] as [number, number])[0], v)));
  const objective = (q: number[]): number => {
    shape(form, clampAll(q).map(Math.exp), x, g);
    return linearPart(g, y, intercept).sse;
  };
  let best: number[];
  if (form === "hill") {
    let starts: number[][];
    if (warm) starts = [warm.slice()];
    else {
      const [h0, h1] = rs[0] as [number, number];
      const mid = (h0 + h1) / 2;
      starts = [];
      for (const lh of [mid - 1.5, mid, mid + 1.5]) for (const k of [0.7, 1.5, 3]) starts.push([lh, Math.log(k)]);
    }
    let start = starts[0] as number[];
    let fs = Number.POSITIVE_INFINITY;
    for (const s of starts) {
      const v = objective(s);
      if (v < fs) {
        fs = v;
        start = s;
      }
    }
    best = nelderMead(objective, start, { step: warm ? 0.2 : 0.5, maxEvaluations: warm ? 120 : 300 }).x;
  } else {
    const [lo, hi] = rs[0] as [number, number];
    // A warm start searches +/-1.5 (a factor 4.5) around the previous value with a coarser grid.
    const a = warm ? Math.max(lo, (warm[0] as number) - 1.5) : lo;
    const b = warm ? Math.min(hi, (warm[0] as number) + 1.5) : hi;
    best = minimiseScalar((v) => objective([v]), a, b, warm ? 7 : 15, 1e-4).x;
  }
  const p = clampAll(best).map(Math.exp);
  shape(form, p, x, g);
  const lin = linearPart(g, y, intercept);
  return { p, ...lin };
}

function rSquared(y: Float64Array, sse: number): number {
  let m = 0;
  for (const v of y) m += v;
  m /= y.length;
  let sst = 0;
  for (const v of y) sst += (v - m) ** 2;
  return sst > 0 ? 1 - sse / sst : 0;
}

/** The rolling-origin folds' [start, end) week ranges: train on [0, start), predict [start, end). */
function foldRanges(n: number, folds: number): [number, number][] {
  const out: [number, number][] = [];
  for (let k = 0; k < folds; k++) {
    const start = Math.floor(n * (1 - (folds - k) / (folds + 6)));
    const end = k === folds - 1 ? n : Math.floor(n * (1 - (folds - k - 1) / (folds + 6)));
    if (start >= 4 && end > start) out.push([start, end]);
  }
  return out;
}

/** Rolling-origin RMSE of forecasting each held-out week by the mean of the training weeks. */
function naiveRmse(y: Float64Array, folds: number): number {
  let se = 0;
  let count = 0;
  for (const [start, end] of foldRanges(y.length, folds)) {
    let m = 0;
    for (let t = 0; t < start; t++) m += y[t] as number;
    m /= start;
    for (let t = start; t < end; t++) {
      se += ((y[t] as number) - m) ** 2;
      count++;
    }
  }
  return count ? Math.sqrt(se / count) : Number.POSITIVE_INFINITY;
}

/** Pooled RMSE over expanding-window folds: train on weeks [0, e_k), predict [e_k, e_(k+1)). */
function rollingOrigin(
  form: FitForm,
  x: Float64Array,
  y: Float64Array,
  intercept: boolean,
  folds: number,
  p: number[],
): number {
  const n = x.length;
  const g = new Float64Array(n);
  let se = 0;
  let count = 0;
  for (const [start, end] of foldRanges(n, folds)) {
    const fit = fitShape(form, x.subarray(0, start), y.subarray(0, start), intercept, p.map(Math.log));
    shape(form, fit.p, x.subarray(start, end), g);
    for (let t = start; t < end; t++) {
      se += ((y[t] as number) - fit.c - fit.a * (g[t - start] as number)) ** 2;
      count++;
    }
  }
  return count ? Math.sqrt(se / count) : Number.POSITIVE_INFINITY;
}

function bootstrapDraws(
  form: FitForm,
  theta: number,
  x: Float64Array,
  y: Float64Array,
  intercept: boolean,
  p: number[],
  resamples: number,
  seed: number,
): CurveDraw[] {
  const rand = mulberry32(seed);
  const n = x.length;
  const bx = new Float64Array(n);
  const by = new Float64Array(n);
  const warm = p.map(Math.log);
  const draws: CurveDraw[] = [];
  for (let r = 0; r < resamples; r++) {
    for (let t = 0; t < n; t++) {
      const i = Math.floor(rand() * n);
      bx[t] = x[i] as number;
      by[t] = y[i] as number;
    }
    const fit = fitShape(form, bx, by, intercept, warm);
    draws.push({ curve: steadyStateCurve(toCurve(form, fit), theta), baseline: fit.c });
  }
  return draws;
}
