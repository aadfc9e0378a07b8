// Small derivative-free minimisers and statistics helpers for curve fitting (no dependencies, deterministic).

export interface MinimiseResult {
  x: number[];
  fx: number;
  evaluations: number;
}

export interface NelderMeadOptions {
  /** Initial simplex step per coordinate; default 0.5 (the fitters work on log-parameters, so ~65% moves). */
  step?: number;
  /** Most function evaluations; default 400. */
  maxEvaluations?: number;
  /** Stop when the simplex's function values agree to this, relative; default 1e-10. */
  tolerance?: number;
}

/** Nelder-Mead simplex minimisation of f from x0 (standard coefficients 1, 2, 0.5, 0.5). */
export function nelderMead(
  f: (x: number[]) => number,
  x0: readonly number[],
  options: NelderMeadOptions = {},
): MinimiseResult {
  const n = x0.length;
  const step = options.step ?? 0.5;
  const maxEval = options.maxEvaluations ?? 400;
  const tol = options.tolerance ?? 1e-10;
  let evaluations = 0;
  const evalAt = (x: number[]): number => {
    evaluations++;
    const v = f(x);
    // NaN would poison the ordering; treat it as the worst possible point.
    return Number.isNaN(v) ? Number.POSITIVE_INFINITY : v;
  };
  const pts: number[][] = [x0.slice()];
  for (let i = 0; i < n; i++) {
    const p = x0.slice();
    p[i] = (p[i] as number) + step;
    pts.push(p);
  }
  const vals = pts.map(evalAt);
  const order = (): void => {
    const idx = pts.map((_, i) => i).sort((a, b) => (vals[a] as number) - (vals[b] as number));
    const p2 = idx.map((i) => pts[i] as number[]);
    const v2 = idx.map((i) => vals[i] as number);
    for (let i = 0; i <= n; i++) {
      pts[i] = p2[i] as number[];
      vals[i] = v2[i] as number;
    }
  };
  const along = (c: number[], p: number[], t: number): number[] => c.map((ci, j) => ci + t * ((p[j] as number) - ci));
  while (evaluations < maxEval) {
    order();
    const best = vals[0] as number;
    const worst = vals[n] as number;
    if (Math.abs(worst - best) <= tol * (Math.abs(best) + tol)) break;
    const centroid = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) centroid[j] = (centroid[j] as number) + (pts[i]?.[j] as number) / n;
    const wp = pts[n] as number[];
    const xr = along(centroid, wp, -1);
    const fr = evalAt(xr);
    if (fr < best) {
      const xe = along(centroid, wp, -2);
      const fe = evalAt(xe);
      if (fe < fr) [pts[n], vals[n]] = [xe, fe];
      else [pts[n], vals[n]] = [xr, fr];
    } else if (fr < (vals[n - 1] as number)) {
      [pts[n], vals[n]] = [xr, fr];
    } else {
      const xc = fr < worst ? along(centroid, wp, -0.5) : along(centroid, wp, 0.5);
      const fc = evalAt(xc);
      if (fc < Math.min(fr, worst)) [pts[n], vals[n]] = [xc, fc];
      else {
        // Shrink towards the best point.
        for (let i = 1; i <= n; i++) {
          pts[i] = along(pts[0] as number[], pts[i] as number[], 0.5);
          vals[i] = evalAt(pts[i] as number[]);
        }
      }
    }
  }
  order();
  return { x: pts[0] as number[], fx: vals[0] as number, evaluations };
}

/** Minimum of a 1-D function on [lo, hi]: a grid of `gridPoints` to find the basin, then golden-section search. */
export function minimiseScalar(
  f: (x: number) => number,
  lo: number,
  hi: number,
  gridPoints = 15,
  tolerance = 1e-5,
): MinimiseResult {
  let evaluations = 0;
  const ev = (x: number): number => {
    evaluations++;
    const v = f(x);
    return Number.isNaN(v) ? Number.POSITIVE_INFINITY : v;
  };
  const h = (hi - lo) / (gridPoints - 1);
  let bi = 0;
  let bv = Number.POSITIVE_INFINITY;
  for (let i = 0; i < gridPoints; i++) {
    const v = ev(lo + i * h);
    if (v < bv) {
      bv = v;
      bi = i;
    }
  }
  let a = lo + Math.max(0, bi - 1) * h;
  let b = lo + Math.min(gridPoints - 1, bi + 1) * h;
  const r = (Math.sqrt(5) - 1) / 2;
  let x1 = b - r * (b - a);
  let x2 = a + r * (b - a);
  let f1 = ev(x1);
  let f2 = ev(x2);
  while (b - a > tolerance) {
    if (f1 <= f2) {
      b = x2;
      x2 = x1;
      f2 = f1;
      x1 = b - r * (b - a);
      f1 = ev(x1);
    } else {
      a = x1;
      x1 = x2;
      f1 = f2;
      x2 = a + r * (b - a);
      f2 = ev(x2);
    }
  }
  const candidates: [number, number][] = [
    [x1, f1],
    [x2, f2],
    [lo + bi * h, bv],
  ];
  candidates.sort((u, v) => u[1] - v[1]);
  const [x, fx] = candidates[0] as [number, number];
  return { x: [x], fx, evaluations };
}

/** Seeded 32-bit PRNG (mulberry32): uniform in [0, 1), the same sequence for the same seed on every platform. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Quantile p of values by linear interpolation between order statistics (R type 7, numpy's default). */
export function quantile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const h = (s.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(s.length - 1, lo + 1);
  return (s[lo] as number) + (h - lo) * ((s[hi] as number) - (s[lo] as number));
}
