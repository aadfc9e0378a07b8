import type { ToolStep } from "../../agent/types.ts";

/** One step of an answer as the user sees it live: Slack task updates and console lines come from the same list. */
export interface TaskStep {
  id: string;
  title: string;
  status: "in_progress" | "complete" | "error";
  /** "done, 0.4 s" or "48,211 rows, 0.4 s" once finished. */
  output?: string;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;

/** What a finished tool step reports: its rows and time ("6 rows, 0.4 s"), or why it failed. */
export function stepOutput(step: Pick<ToolStep, "ok" | "rows" | "elapsedMs" | "error">): string {
  if (!step.ok) return `failed${step.error ? `: ${step.error.slice(0, 120)}` : ""}`;
  const rows = step.rows === null ? "done" : `${step.rows.toLocaleString("en-US")} row${step.rows === 1 ? "" : "s"}`;
  return `${rows}, ${seconds(step.elapsedMs)}`;
}

/**
 * Turns the analyst's progress texts ("Computing Markov attribution…", one as each tool starts) into steps: a new
 * text starts a step and finishes the one before with its measured time; finish() settles every step with what the
 * answer's tool trail says (rows, time, failure). Each call returns the steps that changed, to show or send.
 */
export class TaskSteps {
  private readonly steps: (TaskStep & { startedAt: number })[] = [];

  constructor(private readonly clock: () => number = () => performance.now()) {}

  /** The first step, shown before any tool runs: the question is being worked on. */
  begin(title: string): TaskStep[] {
    return this.start(title);
  }

  /** A progress text from the analyst: the running step is done, a new one runs. */
  progress(title: string): TaskStep[] {
    return this.start(title);
  }

  /** Every step settled: tool steps from the answer's trail, in order; the rest with their measured time. */
  finish(trail: readonly ToolStep[]): TaskStep[] {
    // Progress texts are sent as tools start, so the n-th tool step (after the opening one) is the n-th tool run.
    // A refused call never started (no progress text); a call failing its argument check in under 0.5 ms did
    // (its elapsedMs rounds to 0), so the time cannot tell them apart.
    const ran = trail.filter((s) => !s.refused);
    const changed: TaskStep[] = [];
    for (const [i, step] of this.steps.entries()) {
      const tool = i > 0 ? ran[i - 1] : undefined;
      if (step.status !== "in_progress" && !tool) continue;
      step.status = tool && !tool.ok ? "error" : "complete";
      step.output = tool ? stepOutput(tool) : `done, ${seconds(this.clock() - step.startedAt)}`;
      changed.push(this.view(step));
    }
    return changed;
  }

  /** All steps so far, in order. */
  all(): TaskStep[] {
    return this.steps.map((s) => this.view(s));
  }

  private start(title: string): TaskStep[] {
    const changed: TaskStep[] = [];
    const now = this.clock();
    const running = this.steps.at(-1);
    if (running && running.status === "in_progress") {
      running.status = "complete";
      running.output = `done, ${seconds(now - running.startedAt)}`;
      changed.push(this.view(running));
    }
    const step = { id: `step_${this.steps.length}`, title, status: "in_progress" as const, startedAt: now };
    this.steps.push(step);
    changed.push(this.view(step));
    return changed;
  }

  private view(step: TaskStep): TaskStep {
    return { id: step.id, title: step.title, status: step.status, ...(step.output ? { output: step.output } : {}) };
  }
}

/** A step as a console line: "  … Aggregating KPIs…" while it runs, "  ✓ Aggregating KPIs… 6 rows, 0.4 s" after. */
export function consoleStepLine(step: TaskStep): string {
  const mark = step.status === "in_progress" ? "…" : step.status === "error" ? "✗" : "✓";
  return `  ${mark} ${step.title}${step.output ? ` ${step.output}` : ""}`;
}
