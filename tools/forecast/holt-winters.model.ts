// Additive Holt-Winters (ETS(A,A,A)) with a weekly season, as statsmodels' ExponentialSmoothing(trend="add",
// seasonal="add") writes it:
//   level    l_t = alpha (y_t - s_{t-m}) + (1 - alpha)(l_{t-1} + b_{t-1})
//   trend    b_t = beta (l_t - l_{t-1}) + (1 - beta) b_{t-1}
//   season   s_t = gamma (y_t - l_{t-1} - b_{t-1}) + (1 - gamma) s_{t-m}
//   forecast y_{t+h} = l_t + h b_t + s_{t+h-m(k+1)}
// Prediction intervals from the equivalent state-space model (Hyndman & Athanasopoulos, fpp2 table 7.8, class 1):
//   var(h) = sigma^2 [1 + sum_{j=1}^{h-1} (alpha (1 + j beta) + gamma [j mod m = 0])^2], sigma^2 = SSE / n.

export interface HoltWintersParams {
  alpha: number;
  beta: number;
  gamma: number;
}

export interface HoltWintersState {
  level: number;
  trend: number;
  /** The last m seasonal values, oldest first (season[0] is the one for t + 1 - m). */
  season: number[];
}

export interface HoltWintersFit {
  params: HoltWintersParams;
  initial: HoltWintersState;
  final: HoltWintersState;
  fitted: number[];
  sse: number;
  sigma2: number;
  period: number;
}

/**
 * Heuristic start values (statsmodels' initialization_method="heuristic" in spirit, simplified): level = mean of the
 * first season, trend = mean change between the first two seasons per step, season = first season minus its mean.
 */
export function initialState(y: readonly number[], m: number): HoltWintersState {
  const first = y.slice(0, m);
  const second = y.slice(m, 2 * m);
  const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const level = mean(first);
  const trend = second.length === m ? (mean(second) - level) / m : 0;
  return { level, trend, season: first.map((x) => x - level) };
}

/** Runs the recursions from `initial` over y: one-step fitted values, SSE and the final state. */
export function runHoltWinters(
  y: readonly number[],
  m: number,
  params: HoltWintersParams,
  initial: HoltWintersState,
): { fitted: number[]; sse: number; final: HoltWintersState } {
  const { alpha, beta, gamma } = params;
  let level = initial.level;
  let trend = initial.trend;
  const season = [...initial.season];
  const fitted: number[] = [];
  let sse = 0;
  for (let t = 0; t < y.length; t++) {
    const s = season[t % m] as number;
    const yt = y[t] as number;
    const forecast = level + trend + s;
    fitted.push(forecast);
    sse += (yt - forecast) ** 2;
    const previousLevel = level;
    const previousTrend = trend;
    level = alpha * (yt - s) + (1 - alpha) * (previousLevel + previousTrend);
    trend = beta * (level - previousLevel) + (1 - beta) * previousTrend;
    season[t % m] = gamma * (yt - previousLevel - previousTrend) + (1 - gamma) * s;
  }
  // Rotate so season[0] belongs to the first forecast step.
  const shift = y.length % m;
  const rotated = [...season.slice(shift), ...season.slice(0, shift)];
  return { fitted, sse, final: { level, trend, season: rotated } };
}

/** Point forecasts for steps 1..h after the end of the fitted series. */
export function forecastPoints(state: HoltWintersState, h: number): number[] {
  const m = state.season.length;
  return Array.from({ length: h }, (_, i) => state.level + (i + 1) * state.trend + (state.season[i % m] as number));
}

/** Forecast variance for steps 1..h (class 1 state-space formula above). */
export function forecastVariances(params: HoltWintersParams, m: number, sigma2: number, h: number): number[] {
  const out: number[] = [];
  let sum = 0;
  for (let step = 1; step <= h; step++) {
    out.push(sigma2 * (1 + sum));
    const j = step;
    const c = params.alpha * (1 + j * params.beta) + (j % m === 0 ? params.gamma : 0);
    sum += c * c;
  }
  return out;
}

/** Nelder-Mead on the unit cube (parameters clamped to [0, 1]): minimises f. Small and deterministic. */
export function nelderMead(f: (x: number[]) => number, start: number[], iterations = 400): number[] {
  const clamp = (x: number[]) => x.map((v) => Math.min(1, Math.max(0, v)));
  const n = start.length;
  let simplex = [clamp(start)];
  for (let i = 0; i < n; i++) {
    const p = [...start];
    p[i] = (p[i] as number) + ((p[i] as number) < 0.5 ? 0.25 : -0.25);
    simplex.push(clamp(p));
  }
  let values = simplex.map(f);
  for (let it = 0; it < iterations; it++) {
    const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
    simplex = order.map(([, i]) => simplex[i] as number[]);
    values = order.map(([v]) => v);
    const centroid = Array.from(
      { length: n },
      (_, d) => simplex.slice(0, n).reduce((s, p) => s + (p[d] as number), 0) / n,
    );
    const worst = simplex[n] as number[];
    const towards = (k: number) => clamp(centroid.map((c, d) => c + k * (c - (worst[d] as number))));
    const reflected = towards(1);
    const fr = f(reflected);
    if (fr < (values[0] as number)) {
      const expanded = towards(2);
      const fe = f(expanded);
      [simplex[n], values[n]] = fe < fr ? [expanded, fe] : [reflected, fr];
    } else if (fr < (values[n - 1] as number)) {
      [simplex[n], values[n]] = [reflected, fr];
    } else {
      const contracted = towards(-0.5);
      const fc = f(contracted);
      if (fc < (values[n] as number)) [simplex[n], values[n]] = [contracted, fc];
      else {
        const best = simplex[0] as number[];
        simplex = simplex.map((p, i) =>
          i === 0 ? p : clamp(p.map((v, d) => (best[d] as number) + 0.5 * (v - (best[d] as number)))),
        );
        values = simplex.map(f);
      }
    }
    if (Math.abs((values[n] ?? 0) - (values[0] ?? 0)) < 1e-12 * (1 + Math.abs(values[0] ?? 0))) break;
  }
  const best = values.indexOf(Math.min(...values));
  return simplex[best] as number[];
}

/** Fits alpha, beta, gamma by least squares (one-step errors) from the heuristic start values. */
export function fitHoltWinters(y: readonly number[], m = 7): HoltWintersFit {
  if (y.length < 2 * m + 2) throw new Error(`need at least ${2 * m + 2} observations, got ${y.length}`);
  const initial = initialState(y, m);
  const sseOf = (x: number[]) =>
    runHoltWinters(y, m, { alpha: x[0] as number, beta: x[1] as number, gamma: x[2] as number }, initial).sse;
  // A coarse grid first (11^3 runs of the recursions, cheap), then Nelder-Mead from the best point: the SSE surface
  // has flat valleys and edges (beta or gamma at 0) where a simplex from one start stalls.
  let best = [0.3, 0.05, 0.1];
  let bestSse = sseOf(best);
  for (let a = 0; a <= 10; a++)
    for (let b = 0; b <= 10; b++)
      for (let g = 0; g <= 10; g++) {
        const x = [a / 10, b / 10, g / 10];
        const sse = sseOf(x);
        if (sse < bestSse) [best, bestSse] = [x, sse];
      }
  const refined = nelderMead(sseOf, best, 600);
  if (sseOf(refined) < bestSse) best = refined;
  const params = { alpha: best[0] as number, beta: best[1] as number, gamma: best[2] as number };
  const run = runHoltWinters(y, m, params, initial);
  return { params, initial, final: run.final, fitted: run.fitted, sse: run.sse, sigma2: run.sse / y.length, period: m };
}
