import { describe, expect, it } from "vitest";
import { OUTPUT_RESERVE, QuestionBudget } from "../../agent/budget.ts";

describe("QuestionBudget", () => {
  const start = 1_000;

  it("plans a call only when it fits, and answers without tools when no further call would", () => {
    const spent = { input: 0, output: 0 };
    const budget = new QuestionBudget(20_000, 90_000, spent, start);
    expect(budget.plan(5_000, start)).toBe("go");
    // 5,000 + 1,500 now and 7,000 + 1,500 next: 15,000 fits; a third call would not.
    budget.record(5_000, { input: 5_000, output: 200 }, 1_000);
    expect(spent).toEqual({ input: 5_000, output: 200 });
    expect(budget.plan(7_000, start + 1_000)).toBe("answer_now");
    expect(budget.plan(20_000 - 5_200 - OUTPUT_RESERVE + 1, start + 1_000)).toBe("stop");
    expect(budget.reason(start + 1_000)).toBe("token budget of 20000 tokens");
  });

  it("scales estimates by what the endpoint reported for the last call", () => {
    const budget = new QuestionBudget(30_000, 90_000, { input: 0, output: 0 }, start);
    budget.record(1_000, { input: 3_000, output: 100 }, 500);
    expect(budget.promptTokensPerCall).toEqual([3_000]);
    // 3,000 tokens by our count are ~9,000 at this endpoint: 3,100 + 10,500 + 16,500 > 30,000.
    expect(budget.plan(3_000, start + 500)).toBe("answer_now");
    expect(budget.plan(1_000, start + 500)).toBe("go");
  });

  it("does not start a call the time left cannot cover", () => {
    const budget = new QuestionBudget(100_000, 10_000, { input: 0, output: 0 }, start);
    budget.record(1_000, { input: 1_000, output: 100 }, 3_000);
    expect(budget.plan(1_000, start + 3_000)).toBe("go");
    expect(budget.plan(1_000, start + 5_000)).toBe("answer_now");
    expect(budget.plan(1_000, start + 7_500)).toBe("stop");
    expect(budget.reason(start + 7_500)).toBe("time budget of 10000 ms");
  });
});
