// Seeded draws from the BG/NBD generative process: synthetic customer summaries for benchmarks and recovery tests.
import { mulberry32 } from "../recommend-budget/minimise.model.ts";
import type { BgNbdParams } from "./bg-nbd.model.ts";

/** Gamma(shape k, scale 1) by Marsaglia-Tsang, with the k < 1 boost. */
function gammaDraw(rng: () => number, k: number): number {
  if (k < 1) return gammaDraw(rng, k + 1) * rng() ** (1 / k);
  const d = k - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      const u1 = rng() || Number.MIN_VALUE;
      x = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * rng());
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    if (Math.log(rng() || Number.MIN_VALUE) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

/**
 * `n` customers whose first purchase was T ago, T uniform on [minT, maxT]: lambda ~ Gamma(r, alpha), p ~ Beta(a, b);
 * Poisson purchases at rate lambda, dropping out with probability p after each repeat purchase.
 */
export function simulateBgNbd(
  params: BgNbdParams,
  n: number,
  options: { seed: number; minT: number; maxT: number },
): { x: Float64Array; tx: Float64Array; T: Float64Array } {
  const rng = mulberry32(options.seed);
  const x = new Float64Array(n);
  const tx = new Float64Array(n);
  const T = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const lambda = gammaDraw(rng, params.r) / params.alpha;
    const ga = gammaDraw(rng, params.a);
    const p = ga / (ga + gammaDraw(rng, params.b));
    const age = options.minT + rng() * (options.maxT - options.minT);
    let t = 0;
    let k = 0;
    let last = 0;
    for (;;) {
      t += -Math.log(1 - rng()) / lambda;
      if (t > age) break;
      k++;
      last = t;
      if (rng() < p) break;
    }
    x[i] = k;
    tx[i] = last;
    T[i] = age;
  }
  return { x, tx, T };
}
