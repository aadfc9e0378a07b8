/**
 * The token and time budgets of one question, checked BEFORE each model call. A call that cannot fit is not
 * started; a call after which no further call would fit is made without tools, so the model answers with what
 * it has. A finished answer is never thrown away for the budget.
 */

/** Tokens reserved for the model's reply to one call (a long answer with a table). */
export const OUTPUT_RESERVE = 1_500;
/** Prompt growth expected from one more round of tool results. */
const ROUND_GROWTH = 2_000;

/** What the next model call may do. */
export type CallPlan = "go" | "answer_now" | "stop";

/** Raised through the run's abort signal when the budget cannot pay for the next model call. */
export class BudgetExhausted extends Error {}

/** Token and time accounting for one question. */
export class QuestionBudget {
  /** Reported prompt tokens per estimated token of the last call: other tokenizers, tool formatting. */
  private calibration = 1;
  private longestCallMs = 0;
  /** Prompt tokens each model call was charged, in order (the "tokens per call" the benchmark reports). */
  readonly promptTokensPerCall: number[] = [];

  private readonly deadline: number;

  constructor(
    readonly tokenLimit: number,
    readonly timeLimitMs: number,
    /** Shared with the answer's `tokens`, so spending shows up there. */
    readonly spent: { input: number; output: number },
    startedAt = performance.now(),
  ) {
    this.deadline = startedAt + timeLimitMs;
  }

  /** The plan for a call whose prompt is estimated at `estimate` tokens (our tokenizer's count). */
  plan(estimate: number, now = performance.now()): CallPlan {
    const thisCall = estimate * this.calibration + OUTPUT_RESERVE;
    const nextCall = (estimate + ROUND_GROWTH) * this.calibration + OUTPUT_RESERVE;
    const used = this.spent.input + this.spent.output;
    const remainingMs = this.deadline - now;
    if (used + thisCall > this.tokenLimit || remainingMs < this.longestCallMs) return "stop";
    if (used + thisCall + nextCall > this.tokenLimit || remainingMs < 2 * this.longestCallMs) return "answer_now";
    return "go";
  }

  /** Why the budget stops a call, in the words the partial answer uses. */
  reason(now = performance.now()): string {
    return now >= this.deadline - this.longestCallMs
      ? `time budget of ${this.timeLimitMs} ms`
      : `token budget of ${this.tokenLimit} tokens`;
  }

  /** Books a finished call: its reported usage (when the endpoint gives one) and its duration. */
  record(estimate: number, usage: { input: number; output: number } | undefined, elapsedMs: number): void {
    this.longestCallMs = Math.max(this.longestCallMs, elapsedMs);
    if (!usage) return;
    this.spent.input += usage.input;
    this.spent.output += usage.output;
    this.promptTokensPerCall.push(usage.input);
    if (estimate > 0 && usage.input > 0) this.calibration = usage.input / estimate;
  }
}
