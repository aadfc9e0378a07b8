// Maximum likelihood on log-parameters: Nelder-Mead restarted from its own optimum until it stops improving.
import { nelderMead } from "../recommend-budget/minimise.model.ts";

export interface FitResult {
  params: number[];
  /** Total log-likelihood at the optimum (weighted sum over customers). */
  logLikelihood: number;
  evaluations: number;
  converged: boolean;
}

/** Maximises `logLik(params)` over positive params by minimising -logLik on log scale; restarts polish the simplex. */
export function maximiseLogLikelihood(
  logLik: (params: number[]) => number,
  start: readonly number[],
  options: { maxRestarts?: number; maxEvaluations?: number } = {},
): FitResult {
  const objective = (logParams: number[]): number => {
    const params = logParams.map(Math.exp);
    const ll = logLik(params);
    return Number.isFinite(ll) ? -ll : Number.POSITIVE_INFINITY;
  };
  let x = start.map(Math.log);
  let fx = objective(x);
  let evaluations = 1;
  let converged = false;
  let step = 0.5;
  for (let i = 0; i < (options.maxRestarts ?? 8); i++) {
    const run = nelderMead(objective, x, { step, maxEvaluations: options.maxEvaluations ?? 2000, tolerance: 1e-13 });
    evaluations += run.evaluations;
    const improvement = fx - run.fx;
    if (run.fx <= fx) {
      x = run.x;
      fx = run.fx;
    }
    if (improvement < 1e-9 * Math.max(1, Math.abs(fx)) && i > 0) {
      converged = true;
      break;
    }
    step = Math.max(0.02, step / 2);
  }
  return { params: x.map(Math.exp), logLikelihood: -fx, evaluations, converged };
}
