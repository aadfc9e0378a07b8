// Pareto/NBD (Schmittlein, Morrison & Colombo 1987) with the likelihood as the lifetimes package writes it:
// the A_0 term needs the Gauss hypergeometric 2F1, evaluated on the smaller of alpha and beta.
import { maximiseLogLikelihood } from "./fit.model.ts";
import { lnHyp2f1, lnRising, logAddExp, logSubExp } from "./special.model.ts";
import { type CustomerSummary, meanRate, weightAt } from "./summary.model.ts";

/** lambda ~ Gamma(r, alpha) purchase rate; mu ~ Gamma(s, beta) dropout rate (both per time unit). */
export interface ParetoNbdParams {
  r: number;
  alpha: number;
  s: number;
  beta: number;
}

/** ln A_0 of the Pareto/NBD likelihood (lifetimes `_log_A_0`). */
function lnA0(p: ParetoNbdParams, x: number, tx: number, T: number): number {
  const { r, alpha, s, beta } = p;
  const [lo, hi, t] = alpha < beta ? [alpha, beta, r + x] : [beta, alpha, s + 1];
  const diff = hi - lo;
  const rsx = r + s + x;
  const q1 = hi + tx;
  const q2 = hi + T;
  const lnP1 = lnHyp2f1(rsx, t, rsx + 1, diff / q1);
  const lnP2 = lnHyp2f1(rsx, t, rsx + 1, diff / q2);
  return logSubExp(lnP1 + rsx * Math.log(q2), lnP2 + rsx * Math.log(q1)) - rsx * Math.log(q1 * q2);
}

/** Log-likelihood of one customer history. */
export function paretoNbdCustomerLogLikelihood(p: ParetoNbdParams, x: number, tx: number, T: number): number {
  const { r, alpha, s, beta } = p;
  const a1 = lnRising(r, x) + r * Math.log(alpha) + s * Math.log(beta);
  const alive = -(r + x) * Math.log(alpha + T) - s * Math.log(beta + T);
  return a1 + logAddExp(alive, Math.log(s) + lnA0(p, x, tx, T) - Math.log(r + s + x));
}

/** Total (weighted) log-likelihood of the summary. */
export function paretoNbdLogLikelihood(p: ParetoNbdParams, d: CustomerSummary): number {
  let ll = 0;
  for (let i = 0; i < d.x.length; i++) {
    ll += weightAt(d, i) * paretoNbdCustomerLogLikelihood(p, d.x[i] as number, d.tx[i] as number, d.T[i] as number);
  }
  return ll;
}

/** Maximum-likelihood Pareto/NBD parameters. */
export function fitParetoNbd(d: CustomerSummary): {
  params: ParetoNbdParams;
  logLikelihood: number;
  converged: boolean;
} {
  const { rate, meanT } = meanRate(d);
  const fit = maximiseLogLikelihood(
    ([r, alpha, s, beta]) =>
      paretoNbdLogLikelihood({ r: r as number, alpha: alpha as number, s: s as number, beta: beta as number }, d),
    [0.5, 0.5 / rate, 0.5, meanT],
  );
  const [r, alpha, s, beta] = fit.params as [number, number, number, number];
  return { params: { r, alpha, s, beta }, logLikelihood: fit.logLikelihood, converged: fit.converged };
}

/** P(alive | x, t_x, T): the alive-at-T share of the customer's likelihood. */
export function paretoNbdProbabilityAlive(p: ParetoNbdParams, x: number, tx: number, T: number): number {
  const { r, alpha, s, beta } = p;
  const a1 = lnRising(r, x) + r * Math.log(alpha) + s * Math.log(beta);
  const alive = a1 - (r + x) * Math.log(alpha + T) - s * Math.log(beta + T);
  return Math.min(1, Math.exp(alive - paretoNbdCustomerLogLikelihood(p, x, tx, T)));
}

/** E[X(t) | x, t_x, T] (lifetimes `conditional_expected_number_of_purchases_up_to_time`). */
export function paretoNbdConditionalExpected(p: ParetoNbdParams, t: number, x: number, tx: number, T: number): number {
  if (t <= 0) return 0;
  const { r, alpha, s, beta } = p;
  const ratio = (beta + T) / (beta + T + t);
  // (1 - ratio^(s-1)) / (s-1), with its s -> 1 limit -ln(ratio).
  const horizon = Math.abs(s - 1) < 1e-9 ? -Math.log(ratio) : -Math.expm1((s - 1) * Math.log(ratio)) / (s - 1);
  return paretoNbdProbabilityAlive(p, x, tx, T) * (((r + x) * (beta + T)) / (alpha + T)) * horizon;
}
