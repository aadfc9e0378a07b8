// Drives the console through streams as a terminal would: keys in, screen text out.
import { PassThrough } from "node:stream";
import { emptyAnswer } from "../../agent/replies.ts";
import type { AgentAnswer, Analyst, AskRequest } from "../../agent/types.ts";
import { runConsole } from "../../bot/console.ts";
import type { Database } from "../../db/pool.ts";

/** Keys as a terminal sends them. */
export const KEY = {
  enter: "\r",
  up: "\x1b[A",
  down: "\x1b[B",
  left: "\x1b[D",
  backspace: "\x7f",
  tab: "\t",
  ctrlC: "\x03",
  ctrlD: "\x04",
} as const;

/** An analyst that records questions; a question starting with "slow" waits until its signal aborts. */
export function recordingAnalyst(asked: AskRequest[], modelConfigured = true): Analyst {
  return {
    modelConfigured,
    async ask(request) {
      asked.push(request);
      if (request.question.startsWith("slow")) {
        await new Promise((resolve) => request.signal?.addEventListener("abort", resolve, { once: true }));
      }
      const answer: AgentAnswer = { ...emptyAnswer("en"), runId: asked.length, text: `Answer to: ${request.question}` };
      return answer;
    },
    async rate() {},
  };
}

/** One console session over streams. */
export class ConsoleSession {
  readonly input = new PassThrough();
  readonly output = new PassThrough();
  screen = "";
  readonly finished: Promise<void>;
  ended = false;

  constructor(db: Database, analyst: Analyst, options: { terminal: boolean; historyFile?: string }) {
    this.output.on("data", (chunk: Buffer) => {
      this.screen += chunk.toString("utf8");
    });
    this.finished = runConsole({
      db,
      analyst,
      caller: { userId: "console", role: "admin", canSeePii: true },
      timezone: "Asia/Shanghai",
      currency: "CNY",
      input: this.input,
      output: this.output,
      ...options,
    }).then(() => {
      this.ended = true;
    });
  }

  /** Sends text in one chunk, as a paste (a line needs KEY.enter in terminal mode, "\n" in line mode). */
  type(text: string): void {
    this.input.write(text);
  }

  /**
   * Sends each key on its own, as a person types: readline treats a multi-key chunk as a paste (Tab inserts a tab
   * there instead of completing).
   */
  async press(...keys: string[]): Promise<void> {
    for (const key of keys) {
      this.input.write(key);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** The screen text from `from` on, once it matches `pattern`; fails with what was shown after 10 s. */
  async waitFor(pattern: string | RegExp, from = 0): Promise<string> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const shown = this.screen.slice(from);
      if (typeof pattern === "string" ? shown.includes(pattern) : pattern.test(shown)) return shown;
      if (Date.now() > deadline) throw new Error(`waited 10 s for ${pattern}; the screen showed:\n${shown}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Ends input (Ctrl+D / end of a pipe) and waits for the console to finish. */
  async close(): Promise<void> {
    this.input.end();
    await this.finished;
  }
}
