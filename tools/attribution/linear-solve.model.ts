// Exact absorption probabilities of an absorbing Markov chain: solve (I - Q) x = b without simulation.

/** Transient-to-transient transition probabilities Q in compressed sparse rows; rows may sum to less than 1. */
export interface SparseMatrix {
  size: number;
  rowStart: Int32Array;
  columns: Int32Array;
  values: Float64Array;
}

export interface SolveOptions {
  /** Stop Gauss-Seidel when no entry moves by more than this, relative to the largest entry; default 1e-13. */
  tolerance?: number;
  /** Gauss-Seidel sweeps before falling back to a dense LU; default 20,000. */
  maxSweeps?: number;
  /** Systems with at most this many free states are solved by dense LU directly; default 160. */
  denseLimit?: number;
  /** Largest system the dense fallback accepts (time grows with its cube); default 1,500. */
  denseFallbackLimit?: number;
  /** Sweep order for Gauss-Seidel; states closest to absorption first converge fastest. Default 0..size-1. */
  sweepOrder?: Int32Array;
  /** Starting guess per right-hand side for Gauss-Seidel (a nearby solution saves sweeps); default 0. */
  initial?: readonly Float64Array[];
}

/** How a system was solved, for the model's "how I got this". */
export interface SolveReport {
  method: "dense-lu" | "gauss-seidel";
  sweeps: number;
  /** max |x - Qx - b| over states and right-hand sides after solving. */
  residual: number;
  converged: boolean;
}

/**
 * Solves x = Q x + b for each right-hand side b, with states flagged in `zeroed` held at 0 (as if absorbed with no
 * reward): small systems by dense LU, large sparse ones by Gauss-Seidel, falling back to LU if that stalls.
 */
export function solveAbsorbing(
  q: SparseMatrix,
  rhs: readonly Float64Array[],
  zeroed: Uint8Array | null,
  options: SolveOptions = {},
): { solutions: Float64Array[]; report: SolveReport } {
  let free = 0;
  for (let s = 0; s < q.size; s++) if (!zeroed || zeroed[s] === 0) free++;
  const denseLimit = options.denseLimit ?? 160;
  if (free <= denseLimit) return finish(q, rhs, zeroed, denseSolve(q, rhs, zeroed), "dense-lu", 0);
  const gs = gaussSeidel(q, rhs, zeroed, options);
  if (gs.converged || free > (options.denseFallbackLimit ?? 1500)) {
    return finish(q, rhs, zeroed, gs.solutions, "gauss-seidel", gs.sweeps);
  }
  return finish(q, rhs, zeroed, denseSolve(q, rhs, zeroed), "dense-lu", gs.sweeps);
}

function finish(
  q: SparseMatrix,
  rhs: readonly Float64Array[],
  zeroed: Uint8Array | null,
  solutions: Float64Array[],
  method: SolveReport["method"],
  sweeps: number,
): { solutions: Float64Array[]; report: SolveReport } {
  let residual = 0;
  let scale = 0;
  for (let r = 0; r < rhs.length; r++) {
    const x = solutions[r] as Float64Array;
    const b = rhs[r] as Float64Array;
    for (let s = 0; s < q.size; s++) {
      if (zeroed && zeroed[s] !== 0) continue;
      let acc = b[s] as number;
      for (let k = q.rowStart[s] as number; k < (q.rowStart[s + 1] as number); k++) {
        acc += (q.values[k] as number) * (x[q.columns[k] as number] as number);
      }
      residual = Math.max(residual, Math.abs((x[s] as number) - acc));
      scale = Math.max(scale, Math.abs(x[s] as number));
    }
  }
  // Relative, so value right-hand sides in currency units are judged like probabilities.
  const relative = scale > 0 ? residual / scale : residual;
  return { solutions, report: { method, sweeps, residual: relative, converged: relative < 1e-9 } };
}

function gaussSeidel(
  q: SparseMatrix,
  rhs: readonly Float64Array[],
  zeroed: Uint8Array | null,
  options: SolveOptions,
): { solutions: Float64Array[]; sweeps: number; converged: boolean } {
  const n = q.size;
  const m = rhs.length;
  const tolerance = options.tolerance ?? 1e-13;
  const maxSweeps = options.maxSweeps ?? 20_000;
  const order = options.sweepOrder ?? Int32Array.from({ length: n }, (_, i) => i);
  const active = order.filter((s) => !zeroed || zeroed[s] === 0);
  // Right-hand sides side by side (x[s * m + r]) so one pass over a row updates all of them.
  const x = new Float64Array(n * m);
  const b = new Float64Array(n * m);
  for (let r = 0; r < m; r++) {
    const start = options.initial?.[r];
    for (const s of active) {
      b[s * m + r] = (rhs[r] as Float64Array)[s] as number;
      if (start) x[s * m + r] = start[s] as number;
    }
  }
  const sums = new Float64Array(m);
  const delta = new Float64Array(m);
  const biggest = new Float64Array(m);
  const { rowStart, columns, values } = q;
  let sweeps = 0;
  let converged = false;
  while (sweeps < maxSweeps && !converged) {
    sweeps++;
    delta.fill(0);
    biggest.fill(0);
    for (let o = 0; o < active.length; o++) {
      const s = active[o] as number;
      for (let r = 0; r < m; r++) sums[r] = b[s * m + r] as number;
      let self = 0;
      for (let k = rowStart[s] as number; k < (rowStart[s + 1] as number); k++) {
        const t = columns[k] as number;
        const p = values[k] as number;
        // A self-loop only delays absorption: divide it out instead of iterating on it.
        if (t === s) self += p;
        else for (let r = 0; r < m; r++) sums[r] = (sums[r] as number) + p * (x[t * m + r] as number);
      }
      const keep = 1 - self;
      for (let r = 0; r < m; r++) {
        const next = keep > 0 ? (sums[r] as number) / keep : 0;
        const d = Math.abs(next - (x[s * m + r] as number));
        if (d > (delta[r] as number)) delta[r] = d;
        if (Math.abs(next) > (biggest[r] as number)) biggest[r] = Math.abs(next);
        x[s * m + r] = next;
      }
    }
    converged = true;
    for (let r = 0; r < m; r++) if ((delta[r] as number) > tolerance * (biggest[r] as number)) converged = false;
  }
  const solutions = rhs.map((_, r) => {
    const out = new Float64Array(n);
    for (const s of active) out[s] = x[s * m + r] as number;
    return out;
  });
  return { solutions, sweeps, converged };
}

/** Dense LU with partial pivoting on the free states only. */
function denseSolve(q: SparseMatrix, rhs: readonly Float64Array[], zeroed: Uint8Array | null): Float64Array[] {
  const n = q.size;
  const local = new Int32Array(n).fill(-1);
  const states: number[] = [];
  for (let s = 0; s < n; s++) {
    if (zeroed && zeroed[s] !== 0) continue;
    local[s] = states.length;
    states.push(s);
  }
  const f = states.length;
  const a = new Float64Array(f * f);
  for (let i = 0; i < f; i++) {
    const s = states[i] as number;
    a[i * f + i] = 1;
    for (let k = q.rowStart[s] as number; k < (q.rowStart[s + 1] as number); k++) {
      const j = local[q.columns[k] as number] as number;
      if (j >= 0) a[i * f + j] = (a[i * f + j] as number) - (q.values[k] as number);
    }
  }
  const b = rhs.map((v) => Float64Array.from(states, (s) => v[s] as number));
  for (let col = 0; col < f; col++) {
    let pivot = col;
    for (let row = col + 1; row < f; row++) {
      if (Math.abs(a[row * f + col] as number) > Math.abs(a[pivot * f + col] as number)) pivot = row;
    }
    if (pivot !== col) {
      for (let k = 0; k < f; k++) {
        const t = a[col * f + k] as number;
        a[col * f + k] = a[pivot * f + k] as number;
        a[pivot * f + k] = t;
      }
      for (const v of b) {
        const t = v[col] as number;
        v[col] = v[pivot] as number;
        v[pivot] = t;
      }
    }
    const diag = a[col * f + col] as number;
    // I - Q is non-singular when every state can reach absorption; a zero pivot means a closed loop: leave it at 0.
    if (diag === 0) continue;
    for (let row = col + 1; row < f; row++) {
      const factor = (a[row * f + col] as number) / diag;
      if (factor === 0) continue;
      for (let k = col + 1; k < f; k++)
        a[row * f + k] = (a[row * f + k] as number) - factor * (a[col * f + k] as number);
      for (const v of b) v[row] = (v[row] as number) - factor * (v[col] as number);
    }
  }
  const out = rhs.map(() => new Float64Array(n));
  b.forEach((v, r) => {
    const x = out[r] as Float64Array;
    for (let i = f - 1; i >= 0; i--) {
      let acc = v[i] as number;
      for (let k = i + 1; k < f; k++) acc -= (a[i * f + k] as number) * (x[states[k] as number] as number);
      const diag = a[i * f + i] as number;
      x[states[i] as number] = diag !== 0 ? acc / diag : 0;
    }
  });
  return out;
}
