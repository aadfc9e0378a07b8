// BG/NBD (Fader, Hardie & Lee 2005) in the formulation of the Python lifetimes package: the closed-form
// likelihood (no hypergeometric function), MLE on log-parameters, conditional expectations and P(alive).
import { maximiseLogLikelihood } from "./fit.model.ts";
import { lnHyp2f1, lnRising, logAddExp } from "./special.model.ts";
import { type CustomerSummary, meanRate, weightAt } from "./summary.model.ts";

/** lambda ~ Gamma(shape r, rate alpha) per time unit; dropout after each repeat purchase p ~ Beta(a, b). */
export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

/** Total (weighted) log-likelihood of the summary under the BG/NBD parameters. */
export function bgNbdLogLikelihood(p: BgNbdParams, d: CustomerSummary): number {
  const { r, alpha, a, b } = p;
  const lnAlpha = Math.log(alpha);
  const lnA = Math.log(a);
  // Terms that depend on x only, computed once per distinct x.
  const perX = new Map<number, { ab: number; dropout: number }>();
  let ll = 0;
  for (let i = 0; i < d.x.length; i++) {
    const x = d.x[i] as number;
    let c = perX.get(x);
    if (!c) {
      c = {
        ab: lnRising(r, x) + r * lnAlpha + lnRising(b, x) - lnRising(a + b, x),
        dropout: x > 0 ? lnA - Math.log(b + x - 1) : Number.NEGATIVE_INFINITY,
      };
      perX.set(x, c);
    }
    const a3 = -(r + x) * Math.log(alpha + (d.T[i] as number));
    const a4 = x > 0 ? c.dropout - (r + x) * Math.log(alpha + (d.tx[i] as number)) : Number.NEGATIVE_INFINITY;
    ll += weightAt(d, i) * (c.ab + logAddExp(a3, a4));
  }
  return ll;
}

/** Maximum-likelihood BG/NBD parameters and the log-likelihood at them. */
export function fitBgNbd(d: CustomerSummary): { params: BgNbdParams; logLikelihood: number; converged: boolean } {
  const { rate } = meanRate(d);
  const fit = maximiseLogLikelihood(
    ([r, alpha, a, b]) =>
      bgNbdLogLikelihood({ r: r as number, alpha: alpha as number, a: a as number, b: b as number }, d),
    [0.5, 0.5 / rate, 1, 3],
  );
  const [r, alpha, a, b] = fit.params as [number, number, number, number];
  return { params: { r, alpha, a, b }, logLikelihood: fit.logLikelihood, converged: fit.converged };
}

/** E[X(t) | x, t_x, T]: expected purchases in the next t time units of a customer with this history. */
export function bgNbdConditionalExpected(p: BgNbdParams, t: number, x: number, tx: number, T: number): number {
  if (t <= 0) return 0;
  const { r, alpha, a, b } = p;
  const z = t / (alpha + T + t);
  // 2F1(...) * ((alpha+T)/(alpha+T+t))^(r+x), in logs: (1 - z) is exactly that ratio.
  const lnHypPow = lnHyp2f1(r + x, b + x, a + b + x - 1, z) + (r + x) * Math.log1p(-z);
  const numerator = ((a + b + x - 1) / (a - 1)) * -Math.expm1(lnHypPow);
  return numerator / (1 + aliveOdds(p, x, tx, T));
}

/** a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x): the odds of having dropped out, 0 for x = 0. */
function aliveOdds(p: BgNbdParams, x: number, tx: number, T: number): number {
  if (x <= 0) return 0;
  return Math.exp(Math.log(p.a) - Math.log(p.b + x - 1) + (p.r + x) * (Math.log(p.alpha + T) - Math.log(p.alpha + tx)));
}

/** P(alive | x, t_x, T); 1 for customers with no repeat purchase (BG/NBD lets them drop out only after one). */
export function bgNbdProbabilityAlive(p: BgNbdParams, x: number, tx: number, T: number): number {
  return 1 / (1 + aliveOdds(p, x, tx, T));
}

/** E[X(t)] for a new customer: expected repeat purchases in their first t time units. */
export function bgNbdExpected(p: BgNbdParams, t: number): number {
  if (t <= 0) return 0;
  const { r, alpha, a, b } = p;
  const z = t / (alpha + t);
  const lnTerm = r * Math.log(alpha / (alpha + t)) + lnHyp2f1(r, b, a + b - 1, z);
  return ((a + b - 1) / (a - 1)) * -Math.expm1(lnTerm);
}
