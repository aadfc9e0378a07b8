// Special functions for the buy-till-you-die models: log-gamma, the Gauss hypergeometric 2F1, stable log-sums.

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Gamma(x) for x > 0 (Lanczos, g = 7; about 15 significant digits), reflection below 0.5. */
export function lnGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lnGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0] as number;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += (LANCZOS[i] as number) / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** ln Gamma(r + n) - ln Gamma(r) for a whole n >= 0, as a sum of logs (exact and cheap for small n). */
export function lnRising(r: number, n: number): number {
  if (n > 40) return lnGamma(r + n) - lnGamma(r);
  let s = 0;
  for (let k = 0; k < n; k++) s += Math.log(r + k);
  return s;
}

/** log(exp(a) + exp(b)) without overflow. */
export function logAddExp(a: number, b: number): number {
  if (a === Number.NEGATIVE_INFINITY) return b;
  if (b === Number.NEGATIVE_INFINITY) return a;
  const m = Math.max(a, b);
  return m + Math.log1p(Math.exp(-Math.abs(a - b)));
}

/** log(exp(a) - exp(b)) for a >= b. */
export function logSubExp(a: number, b: number): number {
  if (b === Number.NEGATIVE_INFINITY) return a;
  return a + Math.log(-Math.expm1(b - a));
}

/** Plain power series of 2F1(a, b; c; z) for |z| < 1; returns the sum (terms scaled to avoid overflow via log). */
function series(a: number, b: number, c: number, z: number): { log: number; sign: number } {
  let term = 1;
  let sum = 1;
  // Rescale when the partial sum grows large so that large parameters (a, b ~ hundreds) cannot overflow.
  let logScale = 0;
  for (let n = 0; n < 200_000; n++) {
    term *= (((a + n) * (b + n)) / ((c + n) * (n + 1))) * z;
    sum += term;
    if (Math.abs(sum) > 1e250) {
      logScale += Math.log(Math.abs(sum));
      term /= Math.abs(sum);
      sum /= Math.abs(sum);
    }
    if (term === 0 || (Math.abs(term) <= 1e-17 * Math.abs(sum) && n > 2)) break;
  }
  return { log: logScale + Math.log(Math.abs(sum)), sign: Math.sign(sum) };
}

/**
 * ln 2F1(a, b; c; z) for -1 < z < 1 and a value that is positive (the case in every BTYD likelihood).
 * Chooses between the direct series and Euler's transformation 2F1(a,b;c;z) = (1-z)^(c-a-b) 2F1(c-a,c-b;c;z),
 * whichever has the smaller term growth: with a customer's x in the parameters (r+x, b+x; a+b+x-1) the direct
 * series grows for hundreds of terms before it converges, the transformed one converges at once.
 */
export function lnHyp2f1(a: number, b: number, c: number, z: number): number {
  if (!(z > -1 && z < 1)) throw new RangeError(`hyp2f1: z = ${z} is outside (-1, 1)`);
  if (z === 0) return 0;
  const direct = Math.abs(a * b);
  const euler = Math.abs((c - a) * (c - b));
  if (z > 0 && euler < direct) {
    const s = series(c - a, c - b, c, z);
    if (s.sign <= 0) return Number.NaN;
    return (c - a - b) * Math.log1p(-z) + s.log;
  }
  const s = series(a, b, c, z);
  return s.sign <= 0 ? Number.NaN : s.log;
}

/** The Gauss hypergeometric function 2F1(a, b; c; z) for -1 < z < 1 (positive values). */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  return Math.exp(lnHyp2f1(a, b, c, z));
}
