import type { AgentAnswer } from "../../agent/types.ts";
import { type Freshness, freshnessNote } from "../../tools/freshness.ts";

/**
 * What the renderers need from an answer; deterministic commands build one without a run id. `language` is the
 * question's (the analyst detects it); absent for commands, which are worded in English.
 */
export type AnswerView = Pick<
  AgentAnswer,
  "text" | "steps" | "results" | "freshness" | "model" | "suggestions" | "failure" | "outcome" | "derivations"
> & { runId: number | null; language?: AgentAnswer["language"] };

/** The "How I got this" facts: tools, derived numbers and their inputs, period, model / convention, data freshness. */
export function provenance(view: AnswerView): string[] {
  const parts: string[] = [];
  if (view.steps.length > 0) {
    const tools = view.steps.map(
      (s) => `${s.tool}${s.ok ? (s.rows === null ? "" : ` (${s.rows} rows)`) : " (failed)"}`,
    );
    parts.push(`Tools: ${[...new Set(tools)].join(", ")}`);
  }
  const periods = new Set<string>();
  const conventions = new Set<string>();
  for (const record of view.results) {
    const result = record.result as Record<string, unknown> | null;
    const period = result?.period as { start?: string; end?: string } | undefined;
    if (period?.start && period.end) periods.add(`${period.start} to ${period.end}`);
    if (typeof result?.model === "string") conventions.add(`${result.model} attribution`);
    const args = record.args as Record<string, unknown> | null;
    if (typeof args?.roi_convention === "string") conventions.add(`ROI ${args.roi_convention}`);
  }
  for (const derived of view.derivations ?? []) {
    parts.push(`Derived: ${derived.number} = ${derived.formula} from ${derived.sources.join(", ")}`);
  }
  if (periods.size > 0) parts.push(`Period: ${[...periods].join("; ")}`);
  if (conventions.size > 0) parts.push(`Convention: ${[...conventions].join(", ")}`);
  if (view.model) parts.push(`Model: ${view.model}`);
  if (view.freshness) parts.push(`Data: ${view.freshness}`);
  return parts;
}

/** Freshness from a tool result's data_freshness, when the agent did not give one. */
export function freshnessOf(result: unknown): string | null {
  return freshnessNote((result as { data_freshness?: Partial<Freshness> } | null)?.data_freshness);
}
