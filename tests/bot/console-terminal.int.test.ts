// The console as people use it in a terminal (prompt, line editing, history, Tab, Ctrl+C, clear, help, did you mean),
// driven through streams with the keys a terminal sends, on every engine.
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAnalyst } from "../../agent/analyst.ts";
import type { AskRequest } from "../../agent/types.ts";
import { PROMPT } from "../../bot/console.ts";
import { parseConfig } from "../../config.ts";
import type { Database } from "../../db/pool.ts";
import { startFakeOpenAI } from "../fakes/fake-openai-server.ts";
import { testEngines } from "../helpers/databases.ts";
import { ConsoleSession, KEY, recordingAnalyst } from "./console-session.ts";

const home = mkdtempSync(join(tmpdir(), "beacon-console-"));
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe.each(testEngines())("console in a terminal on $name", (engine) => {
  let db: Database;
  beforeAll(async () => {
    db = await engine.open();
  });
  afterAll(async () => {
    await db?.close();
  });

  it("shows a prompt, edits the line with Left and Backspace, and never sends escape codes to the analyst", async () => {
    const asked: AskRequest[] = [];
    const term = new ConsoleSession(db, recordingAnalyst(asked), { terminal: true });
    await term.waitFor(PROMPT);
    // "elp" then Left x3 and "h" gives "help"; "whta" + Backspace x2 + "at" gives "what".
    await term.press("elp", KEY.left, KEY.left, KEY.left, "h", KEY.enter);
    await term.waitFor("Console commands:");
    await term.press("whta", KEY.backspace, KEY.backspace, "at is ROAS?", KEY.enter);
    await term.waitFor("Answer to: what is ROAS?");
    await term.close();
    expect(asked.map((a) => a.question)).toEqual(["what is ROAS?"]);
  });

  it("help <command> shows whole descriptions and allowed values; near misses get 'did you mean'", async () => {
    const asked: AskRequest[] = [];
    const term = new ConsoleSession(db, recordingAnalyst(asked), { terminal: false });
    term.type(
      ["help segment", "help kpi", "help kpis", "kpis", "segmnet dimension=rfm", "hlep", "budgets for next quarter?"]
        .map((line) => `${line}\n`)
        .join(""),
    );
    await term.close();
    const screen = term.screen.replace(/\s+/g, " ");
    expect(screen).toContain("region Only customers in this region (e.g. 'East China').");
    expect(screen).toContain(
      "compare Period-over-period comparison: the equally long period just before, the same dates a year earlier, " +
        "or none. One of: previous_period, previous_year, none. Default: previous_period.",
    );
    expect(screen).toContain('No command "kpis". Did you mean "help kpi"?');
    expect(screen).toContain('Unknown command "kpis". Did you mean "kpi"? "help kpi" lists its arguments.');
    expect(screen).toContain('Unknown command "segmnet". Did you mean "segment dimension=rfm"?');
    expect(screen).toContain('Unknown command "hlep". Did you mean "help"?');
    // A question that merely starts like a command still goes to the analyst.
    expect(asked.map((a) => a.question)).toEqual(["budgets for next quarter?"]);
  });

  it("clear clears the screen and is never sent to the analyst, in a terminal or from a pipe", async () => {
    const asked: AskRequest[] = [];
    const terminal = new ConsoleSession(db, recordingAnalyst(asked), { terminal: true });
    await terminal.waitFor(PROMPT);
    const before = terminal.screen.length;
    terminal.type(`clear${KEY.enter}`);
    // Cursor home, then erase everything below it: the screen is empty.
    await terminal.waitFor("\x1b[1;1H\x1b[0J", before);
    await terminal.close();
    const piped = new ConsoleSession(db, recordingAnalyst(asked), { terminal: false });
    piped.type("clear\n");
    await piped.close();
    expect(piped.screen).not.toContain("\x1b[");
    expect(asked).toEqual([]);
  });

  it("Ctrl+C cancels a running question through its signal, and the console keeps going", async () => {
    const asked: AskRequest[] = [];
    const term = new ConsoleSession(db, recordingAnalyst(asked), { terminal: true });
    term.type(`slow question${KEY.enter}`);
    await expect.poll(() => asked.length).toBe(1);
    expect(asked[0]?.signal?.aborted).toBe(false);
    const before = term.screen.length;
    term.type(KEY.ctrlC);
    await term.waitFor(new RegExp(`Cancelled\\.\\n.*${PROMPT}`), before);
    expect(asked[0]?.signal?.aborted).toBe(true);
    term.type(`next question${KEY.enter}`);
    await term.waitFor("Answer to: next question");
    expect(term.ended).toBe(false);
    expect(term.screen).not.toContain("Answer to: slow question");
    await term.close();
  });

  it("Ctrl+C clears typed text; at an empty prompt the first press explains and the second quits", async () => {
    const asked: AskRequest[] = [];
    const term = new ConsoleSession(db, recordingAnalyst(asked), { terminal: true });
    await term.waitFor(PROMPT);
    await term.press("half a thought", KEY.ctrlC, KEY.enter, KEY.ctrlC);
    await term.waitFor("(To exit, press Ctrl+C again or Ctrl+D, or type quit)");
    expect(term.ended).toBe(false);
    await term.press(KEY.ctrlC);
    await term.finished;
    expect(asked).toEqual([]);
  });

  it("keeps history in a file: written oldest first, read back by the next session for the Up arrow", async () => {
    const historyFile = join(home, `history-${engine.name}`);
    const asked: AskRequest[] = [];
    const first = new ConsoleSession(db, recordingAnalyst(asked), { terminal: true, historyFile });
    first.type(`first question${KEY.enter}`);
    await first.waitFor("Answer to: first question");
    first.type(`help kpi${KEY.enter}`);
    await first.waitFor("Usage: kpi key=value");
    first.type(`second question${KEY.enter}`);
    await first.waitFor("Answer to: second question");
    await first.close();
    expect(readFileSync(historyFile, "utf8")).toBe("first question\nhelp kpi\nsecond question\n");
    expect(statSync(historyFile).mode & 0o777).toBe(0o600);

    const second = new ConsoleSession(db, recordingAnalyst(asked), { terminal: true, historyFile });
    await second.waitFor(PROMPT);
    // Up three times reaches the oldest line; Down once comes back to "help kpi"; Up again: the oldest.
    await second.press(KEY.up, KEY.up, KEY.up, KEY.enter);
    await second.waitFor("Answer to: first question");
    await second.press(KEY.up, KEY.enter);
    await expect.poll(() => asked.length).toBe(4);
    await second.close();
    expect(asked.map((a) => a.question)).toEqual([
      "first question",
      "second question",
      "first question",
      "first question",
    ]);
    // A repeated line moves to the end instead of being stored twice.
    expect(readFileSync(historyFile, "utf8")).toBe("help kpi\nsecond question\nfirst question\n");
  });

  it("Tab completes command words and argument names", async () => {
    const asked: AskRequest[] = [];
    const term = new ConsoleSession(db, recordingAnalyst(asked), { terminal: true });
    await term.waitFor(PROMPT);
    await term.press("hel", KEY.tab, " seg", KEY.tab, KEY.enter);
    await term.waitFor("Usage: segment key=value");
    await term.close();
    expect(asked).toEqual([]);
  });
});

describe.each(testEngines())("Ctrl+C with the real analyst on $name", (engine) => {
  it("stops the model call at once and records the run as cancelled", async () => {
    const db = await engine.open();
    const fake = await startFakeOpenAI();
    try {
      const config = parseConfig({
        OPENAI_API_KEY: "sk-test",
        OPENAI_BASE_URL: fake.baseURL,
        OPENAI_MAX_RETRIES: "0",
        BEACON_RATE_LIMIT_PER_MINUTE: "1000",
      });
      fake.enqueue({ text: "Too late.", delayMs: 5_000 });
      const term = new ConsoleSession(db, createAnalyst({ db, config }), { terminal: true });
      term.type(`What was revenue last week?${KEY.enter}`);
      await expect.poll(() => fake.requests.length, { timeout: 10_000 }).toBe(1);
      const pressed = performance.now();
      term.type(KEY.ctrlC);
      await term.waitFor("Cancelled.");
      expect(performance.now() - pressed).toBeLessThan(1_000);
      const run = async () =>
        (
          await db.pool.query<{ outcome: string; failure_code: string; latency_ms: number }>(
            "SELECT outcome, failure_code, latency_ms FROM agent_runs WHERE question = 'What was revenue last week?'",
          )
        ).rows[0];
      // The run itself stops too (its audit row is written) well before the model's 5-second reply would come.
      await expect.poll(run, { timeout: 4_000 }).toMatchObject({ outcome: "partial", failure_code: "cancelled" });
      expect(performance.now() - pressed).toBeLessThan(4_000);
      await term.close();
      expect(term.screen).not.toContain("Too late.");
    } finally {
      await fake.close();
      await db.close();
    }
  });
});
