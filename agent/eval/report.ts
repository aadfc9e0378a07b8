// The `beacon eval` report: a plain-text table per case with a summary, and the whole run as JSON.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { EvalRun, Rate } from "./run-eval.ts";

/** Where the latest evaluation is saved unless --json says otherwise. */
export const DEFAULT_EVAL_JSON = join(
  dirname(fileURLToPath(import.meta.url)),
  "..",
  "..",
  "bench",
  "results",
  "eval-latest.json",
);

/** The per-case table followed by the summary lines. */
export function formatEvalReport(run: EvalRun): string {
  const header = [
    "case",
    "kind",
    "lang",
    "role",
    "expected tools",
    "tools",
    "args",
    "numbers",
    "grounded",
    "cites",
    "repairs",
    "g-repair",
    "outcome",
    "tokens",
    "tok/call",
    "latency s",
    "cost $",
    "pass",
  ];
  const mark = (ok: boolean | null) => (ok === null ? "-" : ok ? "ok" : "FAIL");
  const lines = run.cases.map((c) => [
    c.id,
    c.kind,
    c.language,
    c.role,
    c.expectedTools.join("+"),
    c.toolCorrect ? "ok" : `FAIL ${c.calls.join(",") || "(none)"}`,
    mark(c.argsCorrect),
    c.numbers.length === 0
      ? "-"
      : `${c.numbers.filter((n) => n.found).length}/${c.numbers.length}${c.referenceError ? " (ref error)" : ""}`,
    c.grounded ? "ok" : c.untraceable.length ? `FAIL ${c.untraceable.length}` : `FAIL ${c.outcome}`,
    mark(c.citations.correct),
    c.failedCalls === 0 ? "-" : `${c.repairs}/${c.failedCalls}`,
    c.groundingRepairs === 0 ? "-" : String(c.groundingRepairs),
    c.outcome,
    (c.tokens.input + c.tokens.output).toLocaleString("en-US"),
    c.promptTokensPerCall.length === 0
      ? "-"
      : Math.round(c.promptTokensPerCall.reduce((s, x) => s + x, 0) / c.promptTokensPerCall.length).toLocaleString(
          "en-US",
        ),
    (c.latencyMs / 1000).toFixed(1),
    c.costUsd.toFixed(4),
    c.passed ? "PASS" : "FAIL",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? "").length)));
  const render = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  const s = run.summary;
  const summary = [
    `model ${run.model}${run.baseUrl ? ` at ${run.baseUrl}` : ""}; evaluation day ${run.today}; ${s.cases} cases`,
    `passed              ${formatRate(s.passed)}`,
    ...Object.entries(s.byKind).map(([k, v]) => `  ${`${k}-step`.padEnd(18)}${formatRate(v.passed)}`),
    `outcomes            ${Object.entries(s.outcomes)
      .map(([k, v]) => `${k} ${v}`)
      .join(", ")}`,
    `tool selection      ${formatRate(s.toolSelection)}`,
    `argument accuracy   ${formatRate(s.argumentAccuracy)}`,
    `numeric correctness ${formatRate(s.numericCorrectness)}`,
    `grounding           ${formatRate(s.grounding)}`,
    `citations           ${formatRate(s.citations)}`,
    `repairs             ${s.repairs} of ${s.failedCalls} failed tool calls retried successfully; ${s.groundingRepairs} grounding repair passes`,
    `latency             median ${(s.latencyMs.median / 1000).toFixed(1)} s, p95 ${(s.latencyMs.p95 / 1000).toFixed(1)} s`,
    `cost                $${s.costUsd.total.toFixed(4)} total, $${s.costUsd.mean.toFixed(4)} per question (${s.tokens.input.toLocaleString("en-US")} in / ${s.tokens.output.toLocaleString("en-US")} out tokens, ${s.tokensPerQuestion.toLocaleString("en-US")} per question, ${s.promptTokensPerCall.toLocaleString("en-US")} prompt tokens per model call)`,
    ...Object.entries(s.byLanguage).map(
      ([k, v]) =>
        `language ${k.padEnd(10)} tools ${formatRate(v.toolSelection)}, numbers ${formatRate(v.numericCorrectness)}`,
    ),
    ...Object.entries(s.byRole).map(
      ([k, v]) =>
        `role ${k.padEnd(14)} tools ${formatRate(v.toolSelection)}, numbers ${formatRate(v.numericCorrectness)}`,
    ),
    ...(s.failedRuns
      ? [`failed runs         ${s.failedRuns} (model or budget failures; see "failure" in the JSON)`]
      : []),
    ...(s.referenceErrors ? [`reference errors    ${s.referenceErrors} (expected numbers could not be computed)`] : []),
  ];
  return [render(header), render(widths.map((w) => "-".repeat(w))), ...lines.map(render), "", ...summary].join("\n");
}

/** Writes the run as indented JSON; returns the path written. */
export function saveEvalJson(run: EvalRun, path: string = DEFAULT_EVAL_JSON): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(run, null, 2)}\n`);
  return path;
}

function formatRate(r: Rate): string {
  return r.rate === null ? "n/a" : `${(r.rate * 100).toFixed(1)}% (${r.passed}/${r.of})`;
}
