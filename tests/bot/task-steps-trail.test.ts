// TaskSteps.finish pairs the steps shown (one per progress text) with the tool trail: a call refused before it
// started showed no step, while a call that failed its argument check in under 0.5 ms (elapsedMs 0) did.
import { describe, expect, it } from "vitest";
import { consoleStepLine, TaskSteps } from "../../bot/render/task-steps.ts";

describe("task steps settled from the trail", () => {
  it("a fast failure is the step's ✗, a refused call is skipped", () => {
    const steps = new TaskSteps(() => 0);
    steps.begin("Reading the question");
    steps.progress("Aggregating KPIs…");
    steps.progress("Scoring customers…");
    const settled = steps.finish([
      { tool: "recommend_budget", args: {}, ok: false, rows: null, elapsedMs: 0, error: "not asked", refused: true },
      { tool: "compute_kpis", args: {}, ok: false, rows: null, elapsedMs: 0, error: "Invalid arguments: start" },
      { tool: "segment_customers", args: {}, ok: true, rows: 5, elapsedMs: 412 },
    ]);
    expect(settled.map(consoleStepLine)).toEqual([
      "  ✗ Aggregating KPIs… failed: Invalid arguments: start",
      "  ✓ Scoring customers… 5 rows, 0.4 s",
    ]);
  });
});
