import type { AnswerView } from "./answer-view.ts";

export type AlertLevel = "info" | "warning" | "error";

/** A warning worth an `alert` block above the answer: the reader must see it before trusting the numbers. */
export interface AnswerAlert {
  level: AlertLevel;
  /** Plain words (escaped when rendered). */
  text: string;
}

const STALE = /stale/i;

/**
 * The warnings an answer carries: a failure, stale data, a partial result, a refused action. Derived from the
 * answer's outcome and its tool steps only, so the same answer always shows the same alerts.
 */
export function answerAlerts(view: AnswerView): AnswerAlert[] {
  const alerts: AnswerAlert[] = [];
  if (view.failure) alerts.push({ level: "error", text: view.failure.message });
  const stale = view.steps.find((s) => !s.ok && STALE.test(s.error ?? ""));
  if (stale) {
    alerts.push({
      level: "warning",
      text: `Stale data: ${stale.tool} refused to compute on data that is not up to date (${stale.error}). An admin can run \`beacon db refresh\`.`,
    });
  }
  const refused = view.steps.filter((s) => !s.ok && s.elapsedMs === 0 && s.error && !STALE.test(s.error));
  for (const step of refused.slice(0, 2)) {
    alerts.push({ level: "warning", text: `Not done: ${step.tool.replaceAll("_", " ")}. ${step.error}` });
  }
  if (view.outcome === "refused" && !view.failure && refused.length === 0) {
    alerts.push({ level: "warning", text: "I did not carry out this request: it is outside what I am allowed to do." });
  }
  const failed = view.steps.filter((s) => !s.ok && s.elapsedMs > 0 && !STALE.test(s.error ?? ""));
  if (view.outcome === "partial" && !view.failure) {
    const which = failed.length > 0 ? ` (${[...new Set(failed.map((s) => s.tool))].join(", ")} failed)` : "";
    alerts.push({
      level: "warning",
      text: `Partial answer${which}: the numbers below cover only the steps that finished.`,
    });
  }
  return alerts;
}
