// Markov-chain attribution by removal effect, solved exactly as an absorbing chain (no Monte Carlo).
//
// States follow ChannelAttribution 2.1.7 (markov_model_cpp): an order-k state is a window of k consecutive touches;
// a path of n >= k touches visits its n-k+1 full windows, a shorter path is one state holding the whole path.
// Consecutive identical states collapse (a self-loop only delays absorption, so dropping it and renormalising the
// row leaves every absorption probability unchanged). Padding the first k-1 states with (start) ("(start) > a") would
// give the same answer: such prefix states form a tree entered only from (start), so they only split the (start)
// row into the same path probabilities (checked on Data.csv: credits agree to 2e-10), and are left out.
import {
  type AttributionResult,
  assertValidJourneys,
  buildCredits,
  convertingTotals,
  indexChannels,
  type Journey,
} from "./journey.model.ts";
import { type SolveOptions, type SolveReport, type SparseMatrix, solveAbsorbing } from "./linear-solve.model.ts";

export interface MarkovOptions {
  /** Touches per state, 1 to 4; default 1. */
  order?: number;
  /** Weigh paths by conversions + nulls and let them end in (null) (true, default), or use converting paths only,
   * weighted by conversions (false: ChannelAttribution called without var_null). */
  includeNulls?: boolean;
  /** Return the estimated transition matrix as sparse rows; default false. */
  includeTransitionMatrix?: boolean;
  /** In the returned matrix, keep self-transitions (A > A) instead of dropping them and renormalising; default false. */
  selfLoops?: boolean;
  solver?: SolveOptions;
}

/** One non-zero entry of the transition matrix. */
export interface TransitionRow {
  from: string;
  to: string;
  probability: number;
}

/** RE_c = 1 - P(conversion | every state containing c sends to (null)) / P(conversion); value likewise. */
export interface RemovalEffect {
  channel: string;
  conversion: number;
  value: number;
}

/** Summary of the linear solves behind one Markov result. */
export interface MarkovSolverInfo {
  method: SolveReport["method"] | "mixed" | "none";
  solves: number;
  sweeps: number;
  /** Largest relative residual of any solve. */
  residual: number;
  converged: boolean;
}

export interface MarkovResult extends AttributionResult {
  order: number;
  includeNulls: boolean;
  /** P(reaching (conversion) from (start)) in the fitted chain. */
  baseConversionProbability: number;
  removalEffects: RemovalEffect[];
  /** Transient states, (start) excluded. */
  stateCount: number;
  solver: MarkovSolverInfo;
  transitionMatrix?: TransitionRow[];
}

export const START = "(start)";
export const CONVERSION = "(conversion)";
export const NULL = "(null)";
const STATE_STRIDE = 2 ** 26;
// 16 MB of Int32: covers order 3 over 160 channels, order 4 over 44.
const DENSE_STATE_KEYS = 2 ** 22;

/**
 * Markov removal-effect attribution: conversions = total * RE_c / sum(RE). Value uses its own removal effect, where
 * reaching (conversion) from a state earns the mean value per conversion of the paths ending there (the exact
 * counterpart of ChannelAttribution drawing a value from that state's conversions).
 */
export function markovAttribution(journeys: readonly Journey[], options: MarkovOptions = {}): MarkovResult {
  assertValidJourneys(journeys);
  const order = options.order ?? 1;
  const includeNulls = options.includeNulls ?? true;
  if (!Number.isInteger(order) || order < 1 || order > 4) throw new RangeError("order must be an integer from 1 to 4");
  const { names, ids } = indexChannels(journeys);
  const chain = buildChain(journeys, names.length, ids, order, includeNulls);
  const totals = convertingTotals(journeys);
  const nChannels = names.length;
  const conversions = new Float64Array(nChannels);
  const value = new Float64Array(nChannels);
  const reConversion = new Float64Array(nChannels);
  const reValue = new Float64Array(nChannels);
  const solver: MarkovSolverInfo = { method: "none", solves: 0, sweeps: 0, residual: 0, converged: true };
  let baseP = 0;
  let baseV = 0;

  if (chain.size > 0 && chain.startTotal > 0) {
    let full: Float64Array[] | undefined;
    const solve = (zeroed: Uint8Array | null): [number, number] => {
      const { solutions, report } = solveAbsorbing(chain.q, [chain.bConversion, chain.bValue], zeroed, {
        sweepOrder: chain.sweepOrder,
        // Removing one channel changes only part of the chain: start from the full solution.
        initial: full,
        ...options.solver,
      });
      full ??= solutions;
      solver.method = solver.method === "none" || solver.method === report.method ? report.method : "mixed";
      solver.solves++;
      solver.sweeps += report.sweeps;
      solver.residual = Math.max(solver.residual, report.residual);
      solver.converged &&= report.converged;
      return [startDot(chain, solutions[0] as Float64Array), startDot(chain, solutions[1] as Float64Array)];
    };
    [baseP, baseV] = solve(null);
    const zeroed = new Uint8Array(chain.size);
    for (let c = 0; c < nChannels; c++) {
      const states = chain.statesOfChannel[c] as number[];
      // A channel only seen in paths that carry no weight has no state: removing it changes nothing.
      if (states.length === 0) continue;
      zeroed.fill(0);
      for (const s of states) zeroed[s] = 1;
      const [p, v] = solve(zeroed);
      reConversion[c] = baseP > 0 ? clamp01(1 - p / baseP) : 0;
      reValue[c] = baseV > 0 ? clamp01(1 - v / baseV) : 0;
    }
    const sumRe = reConversion.reduce((a, b) => a + b, 0);
    const sumReValue = reValue.reduce((a, b) => a + b, 0);
    for (let c = 0; c < nChannels; c++) {
      conversions[c] = sumRe > 0 ? (totals.conversions * (reConversion[c] as number)) / sumRe : 0;
      value[c] = sumReValue > 0 ? (totals.value * (reValue[c] as number)) / sumReValue : 0;
    }
  }

  const removalEffects = names
    .map((channel, c) => ({ channel, conversion: reConversion[c] as number, value: reValue[c] as number }))
    .sort((a, b) => b.conversion - a.conversion || (a.channel < b.channel ? -1 : a.channel > b.channel ? 1 : 0));
  const result: MarkovResult = {
    credits: buildCredits(names, conversions, value),
    totals,
    order,
    includeNulls,
    baseConversionProbability: baseP,
    removalEffects,
    stateCount: chain.size,
    solver,
  };
  if (options.includeTransitionMatrix)
    result.transitionMatrix = transitionRows(chain, names, options.selfLoops ?? false);
  return result;
}

interface Chain {
  size: number;
  q: SparseMatrix;
  /** P(s -> (conversion)), and P(s -> (conversion)) * mean value per conversion ending at s up to a common factor. */
  bConversion: Float64Array;
  bValue: Float64Array;
  startWeight: Float64Array;
  startTotal: number;
  sweepOrder: Int32Array;
  statesOfChannel: number[][];
  /** Raw weights kept for the transition-matrix output. */
  rowTotal: Float64Array;
  conversionWeight: Float64Array;
  nullWeight: Float64Array;
  selfWeight: Float64Array;
  /** Channel ids of each state's window. */
  windows: Int32Array[];
}

function buildChain(
  journeys: readonly Journey[],
  nChannels: number,
  ids: Map<string, number>,
  order: number,
  includeNulls: boolean,
): Chain {
  // Windows are numbers in base nChannels + 1 (digit 0 = nothing, 1..n = channels) so a state key is one number and
  // the per-touch map lookups stay cheap.
  const base = nChannels + 1;
  if (base ** order > Number.MAX_SAFE_INTEGER) throw new RangeError("too many channels for this Markov order");
  const stateOf = stateTable(base ** order);
  const windows: Int32Array[] = [];
  const startW: number[] = [];
  const convW: number[] = [];
  const valueW: number[] = [];
  const nullW: number[] = [];
  const selfW: number[] = [];
  const edges = new Map<number, number>();
  let touches = new Int32Array(16);

  for (const j of journeys) {
    const n = j.channels.length;
    const nulls = includeNulls ? j.nulls : 0;
    const weight = j.conversions + nulls;
    if (n === 0 || weight <= 0) continue;
    if (touches.length < n) touches = new Int32Array(n * 2);
    for (let i = 0; i < n; i++) touches[i] = ids.get(j.channels[i] as string) as number;
    let prev = -1;
    for (let i = Math.min(order, n) - 1; i < n; i++) {
      let key = 0;
      const lo = Math.max(0, i - order + 1);
      for (let p = lo; p <= i; p++) key = key * base + (touches[p] as number) + 1;
      let s = stateOf.get(key);
      if (s < 0) {
        s = windows.length;
        stateOf.set(key, s);
        const w = new Int32Array(i - lo + 1);
        for (let p = lo; p <= i; p++) w[p - lo] = touches[p] as number;
        windows.push(w);
        startW.push(0);
        convW.push(0);
        valueW.push(0);
        nullW.push(0);
        selfW.push(0);
      }
      if (s === prev) {
        selfW[s] = (selfW[s] as number) + weight;
      } else if (prev < 0) {
        startW[s] = (startW[s] as number) + weight;
      } else {
        const e = prev * STATE_STRIDE + s;
        edges.set(e, (edges.get(e) ?? 0) + weight);
      }
      prev = s;
    }
    convW[prev] = (convW[prev] as number) + j.conversions;
    if (j.conversions > 0) valueW[prev] = (valueW[prev] as number) + j.value;
    nullW[prev] = (nullW[prev] as number) + nulls;
  }
  const size = windows.length;
  if (size >= STATE_STRIDE) throw new RangeError("too many Markov states");

  const rowTotal = new Float64Array(size);
  const counts = new Int32Array(size + 1);
  for (const [e, w] of edges) {
    const from = Math.floor(e / STATE_STRIDE);
    counts[from + 1] = (counts[from + 1] as number) + 1;
    rowTotal[from] = (rowTotal[from] as number) + w;
  }
  for (let s = 0; s < size; s++) {
    rowTotal[s] = (rowTotal[s] as number) + (convW[s] as number) + (nullW[s] as number);
    counts[s + 1] = (counts[s + 1] as number) + (counts[s] as number);
  }
  const rowStart = Int32Array.from(counts);
  const fill = Int32Array.from(counts);
  const columns = new Int32Array(edges.size);
  const values = new Float64Array(edges.size);
  for (const [e, w] of edges) {
    const from = Math.floor(e / STATE_STRIDE);
    const at = fill[from] as number;
    fill[from] = at + 1;
    columns[at] = e - from * STATE_STRIDE;
    values[at] = w / (rowTotal[from] as number);
  }
  const bConversion = new Float64Array(size);
  const bValue = new Float64Array(size);
  for (let s = 0; s < size; s++) {
    const total = rowTotal[s] as number;
    if (total > 0) {
      bConversion[s] = (convW[s] as number) / total;
      // P(s -> conversion) * (value / conversions ending at s) = value ending at s / row total.
      bValue[s] = (valueW[s] as number) / total;
    }
  }
  scaleToUnit(bValue, valueW, rowTotal);
  const startWeight = Float64Array.from(startW);
  const startTotal = startW.reduce((a, b) => a + b, 0);

  const statesOfChannel: number[][] = Array.from({ length: nChannels }, () => []);
  const mark = new Int32Array(nChannels).fill(-1);
  windows.forEach((w, s) => {
    for (const c of w) {
      if (mark[c] !== s) {
        mark[c] = s;
        (statesOfChannel[c] as number[]).push(s);
      }
    }
  });

  const q: SparseMatrix = { size, rowStart, columns, values };
  return {
    size,
    q,
    bConversion,
    bValue,
    startWeight,
    startTotal,
    sweepOrder: reverseBreadthFirst(q, startWeight),
    statesOfChannel,
    rowTotal,
    conversionWeight: Float64Array.from(convW),
    nullWeight: Float64Array.from(nullW),
    selfWeight: Float64Array.from(selfW),
    windows,
  };
}

/** State ids by window key: a flat array when keys are few (fast on the per-touch path), a Map otherwise. */
function stateTable(keys: number): { get(key: number): number; set(key: number, id: number): void } {
  if (keys <= DENSE_STATE_KEYS) {
    const table = new Int32Array(keys).fill(-1);
    return {
      get: (key) => table[key] as number,
      set: (key, id) => {
        table[key] = id;
      },
    };
  }
  const map = new Map<number, number>();
  return { get: (key) => map.get(key) ?? -1, set: (key, id) => void map.set(key, id) };
}

/**
 * Value credits only use ratios of solutions, so the value rewards may carry any common factor: divide by the largest.
 * When value / row total overflowed (value 1 on 1e-320 conversions), rebuild the rewards in logs instead.
 */
function scaleToUnit(reward: Float64Array, valueW: readonly number[], rowTotal: Float64Array): void {
  let largest = 0;
  for (const r of reward) if (r > largest) largest = r;
  if (largest === 0) return;
  if (Number.isFinite(largest)) {
    for (let s = 0; s < reward.length; s++) reward[s] = (reward[s] as number) / largest;
    return;
  }
  const logs = Array.from(reward, (_, s) =>
    (valueW[s] as number) > 0
      ? Math.log(valueW[s] as number) - Math.log(rowTotal[s] as number)
      : Number.NEGATIVE_INFINITY,
  );
  let top = Number.NEGATIVE_INFINITY;
  for (const l of logs) if (l > top) top = l;
  for (let s = 0; s < reward.length; s++) reward[s] = Math.exp((logs[s] as number) - top);
}

/** Gauss-Seidel order: farthest from (start) first, so each update already sees its successors' new values. */
function reverseBreadthFirst(q: SparseMatrix, startWeight: Float64Array): Int32Array {
  const seen = new Uint8Array(q.size);
  const queue = new Int32Array(q.size);
  let tail = 0;
  for (let s = 0; s < q.size; s++) {
    if ((startWeight[s] as number) > 0) {
      seen[s] = 1;
      queue[tail++] = s;
    }
  }
  for (let head = 0; head < tail; head++) {
    const s = queue[head] as number;
    for (let k = q.rowStart[s] as number; k < (q.rowStart[s + 1] as number); k++) {
      const t = q.columns[k] as number;
      if (seen[t] === 0) {
        seen[t] = 1;
        queue[tail++] = t;
      }
    }
  }
  // Every state is reachable from (start) by construction; this only guards the invariant.
  for (let s = 0; s < q.size; s++) if (seen[s] === 0) queue[tail++] = s;
  return queue.reverse();
}

function startDot(chain: Chain, x: Float64Array): number {
  let acc = 0;
  for (let s = 0; s < chain.size; s++) acc += ((chain.startWeight[s] as number) / chain.startTotal) * (x[s] as number);
  return acc;
}

function clamp01(x: number): number {
  return Math.min(1, Math.max(0, x));
}

function transitionRows(chain: Chain, names: readonly string[], selfLoops: boolean): TransitionRow[] {
  const stateName = (s: number): string =>
    Array.from(chain.windows[s] as Int32Array, (c) => names[c] as string).join(" > ");
  const rows: TransitionRow[] = [];
  for (let s = 0; s < chain.size; s++) {
    if ((chain.startWeight[s] as number) > 0) {
      rows.push({ from: START, to: stateName(s), probability: (chain.startWeight[s] as number) / chain.startTotal });
    }
  }
  for (let s = 0; s < chain.size; s++) {
    const from = stateName(s);
    const self = selfLoops ? (chain.selfWeight[s] as number) : 0;
    const total = (chain.rowTotal[s] as number) + self;
    // Q was normalised without self-loops; rescale to the row total that includes them.
    const scale = (chain.rowTotal[s] as number) / total;
    if (self > 0) rows.push({ from, to: from, probability: self / total });
    for (let k = chain.q.rowStart[s] as number; k < (chain.q.rowStart[s + 1] as number); k++) {
      rows.push({
        from,
        to: stateName(chain.q.columns[k] as number),
        probability: (chain.q.values[k] as number) * scale,
      });
    }
    const conv = chain.conversionWeight[s] as number;
    const nul = chain.nullWeight[s] as number;
    if (conv > 0) rows.push({ from, to: CONVERSION, probability: conv / total });
    if (nul > 0) rows.push({ from, to: NULL, probability: nul / total });
  }
  return rows;
}
