// Gamma-Gamma spend model (Fader, Hardie & Lee 2005 note; lifetimes GammaGammaFitter): each customer's mean
// transaction value z ~ Gamma(p, nu) with nu ~ Gamma(q, v); fitted on customers with at least one repeat purchase.
import { maximiseLogLikelihood } from "./fit.model.ts";
import { lnGamma } from "./special.model.ts";

export interface GammaGammaParams {
  p: number;
  q: number;
  v: number;
}

/** Repeat buyers: x repeat purchases with mean value m (> 0); weight = customers sharing the row. */
export interface SpendSummary {
  x: ArrayLike<number>;
  m: ArrayLike<number>;
  weight?: ArrayLike<number>;
}

/** Total log-likelihood of the observed mean spends (lifetimes' form, including the Jacobian terms). */
export function gammaGammaLogLikelihood(params: GammaGammaParams, d: SpendSummary): number {
  const { p, q, v } = params;
  const lnGq = lnGamma(q);
  const lnV = Math.log(v);
  let ll = 0;
  for (let i = 0; i < d.x.length; i++) {
    const x = d.x[i] as number;
    const m = d.m[i] as number;
    if (x <= 0 || m <= 0) continue;
    const px = p * x;
    const li =
      lnGamma(px + q) -
      lnGamma(px) -
      lnGq +
      q * lnV +
      (px - 1) * Math.log(m) +
      px * Math.log(x) -
      (px + q) * Math.log(x * m + v);
    ll += (d.weight ? (d.weight[i] as number) : 1) * li;
  }
  return ll;
}

/** Maximum-likelihood Gamma-Gamma parameters. */
export function fitGammaGamma(d: SpendSummary): {
  params: GammaGammaParams;
  logLikelihood: number;
  converged: boolean;
} {
  let sm = 0;
  let n = 0;
  for (let i = 0; i < d.x.length; i++) {
    const w = d.weight ? (d.weight[i] as number) : 1;
    if ((d.x[i] as number) > 0 && (d.m[i] as number) > 0) {
      sm += w * (d.m[i] as number);
      n += w;
    }
  }
  const mean = n > 0 ? sm / n : 1;
  const fit = maximiseLogLikelihood(
    ([p, q, v]) => gammaGammaLogLikelihood({ p: p as number, q: q as number, v: v as number }, d),
    [1, 2, mean],
  );
  const [p, q, v] = fit.params as [number, number, number];
  return { params: { p, q, v }, logLikelihood: fit.logLikelihood, converged: fit.converged };
}

/** E[Z | x, m]: a customer's expected mean transaction value; the population mean v p/(q-1) when x = 0. */
export function gammaGammaExpectedSpend(params: GammaGammaParams, x: number, m: number): number {
  const { p, q, v } = params;
  const population = (v * p) / (q - 1);
  const w = (p * x) / (p * x + q - 1);
  return (1 - w) * population + w * (x > 0 ? m : 0);
}
