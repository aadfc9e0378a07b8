// The console's pieces without a database: Tab completion, the history file, help routing, and `beacon ask help`.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { helpReply, nearMissReply } from "../../bot/console/commands.ts";
import { completeLine } from "../../bot/console/completer.ts";
import { HISTORY_SIZE, loadHistory, saveHistory } from "../../bot/console/history.ts";

const scratch = mkdtempSync(join(tmpdir(), "beacon-console-help-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("Tab completion", () => {
  it("completes command words, help topics and tool names", () => {
    expect(completeLine("seg")).toEqual([["segment"], "seg"]);
    expect(completeLine("t")).toEqual([["ticket", "tools", "tool"], "t"]);
    expect(completeLine("help att")).toEqual([["attribution"], "att"]);
    expect(completeLine("tool compute_k")).toEqual([["compute_kpis"], "compute_k"]);
    expect(completeLine("what is ROAS")).toEqual([[], "ROAS"]);
  });

  it("completes argument names and their fixed values, list items one at a time", () => {
    expect(completeLine("kpi gro")).toEqual([["group_by="], "gro"]);
    expect(completeLine("kpi start=2026-10-01 comp")).toEqual([["compare="], "comp"]);
    expect(completeLine("kpi compare=prev")).toEqual([
      ["compare=previous_period", "compare=previous_year"],
      "compare=prev",
    ]);
    expect(completeLine("kpi group_by=channel,we")).toEqual([["group_by=channel,week"], "group_by=channel,we"]);
    expect(completeLine("segment dimension=rf")).toEqual([["dimension=rfm"], "dimension=rf"]);
    expect(completeLine("kpi start=20")).toEqual([[], "start=20"]);
  });
});

describe("history file", () => {
  it("round-trips lines, newest first in memory and oldest first on disk", async () => {
    const file = join(scratch, "nested", "history");
    expect(await loadHistory(file)).toEqual([]);
    await saveHistory(file, ["third", "second", "first"]);
    expect(readFileSync(file, "utf8")).toBe("first\nsecond\nthird\n");
    expect(await loadHistory(file)).toEqual(["third", "second", "first"]);
  });

  it("keeps only the newest lines up to the cap", async () => {
    const file = join(scratch, "capped");
    const newestFirst = Array.from({ length: HISTORY_SIZE + 5 }, (_, i) => `line ${HISTORY_SIZE + 4 - i}`);
    await saveHistory(file, newestFirst);
    const kept = readFileSync(file, "utf8").trimEnd().split("\n");
    expect(kept).toHaveLength(HISTORY_SIZE);
    expect(kept[0]).toBe("line 5");
    expect(kept.at(-1)).toBe(`line ${HISTORY_SIZE + 4}`);
    expect(await loadHistory(file, 3)).toEqual([
      `line ${HISTORY_SIZE + 4}`,
      `line ${HISTORY_SIZE + 3}`,
      `line ${HISTORY_SIZE + 2}`,
    ]);
  });
});

describe("help routing", () => {
  it("answers help requests and lets questions that start with 'help' through", () => {
    expect(helpReply("help", false, "console")).toContain("Console commands:");
    expect(helpReply("?", true, "console")).toContain("ask <question>   ask in plain English");
    expect(helpReply("HELP budget", false, "console")).toContain("budget list key=value");
    expect(helpReply("help compute_kpis", false, "console")).toMatch(/^compute_kpis: .*\nArguments:\n {2}start/);
    expect(helpReply("help quit", false, "console")).toContain("Ctrl+C twice at an empty prompt");
    expect(helpReply("help quit", false, "cli")).toBe('No command "quit". Type "help" for the list.');
    expect(helpReply("help me read churn", true, "console")).toBeNull();
    expect(helpReply("kpi", true, "console")).toBeNull();
  });

  it("says 'did you mean' only for a lone word or a word with key=value arguments", () => {
    expect(nearMissReply("tols")).toBe('Unknown command "tols". Did you mean "tools"?');
    expect(nearMissReply("Budgte total_budget=5000")).toBe(
      'Unknown command "Budgte". Did you mean "budget total_budget=5000"? "help budget" lists its arguments.',
    );
    expect(nearMissReply("budgets for next quarter?")).toBeNull();
    expect(nearMissReply("kpi")).toBeNull();
    expect(nearMissReply("profit")).toBeNull();
  });
});

describe("beacon ask help", () => {
  const ROOT = new URL("../..", import.meta.url).pathname;
  const dataDir = join(scratch, "never-opened");
  const beacon = (...args: string[]) =>
    spawnSync(process.execPath, ["cli/beacon.js", ...args], {
      cwd: ROOT,
      encoding: "utf8",
      timeout: 60_000,
      env: { PATH: process.env.PATH ?? "", HOME: scratch, BEACON_DATA_DIR: dataDir },
    });

  it("prints the help instead of asking the model, without opening the database", () => {
    const all = beacon("ask", "help");
    expect(all.status).toBe(0);
    expect(all.stdout).toContain("free-text questions (needs OPENAI_API_KEY; not configured)");
    expect(all.stdout).toContain('beacon ask "<command or question>"');
    const kpi = beacon("ask", "help kpi");
    expect(kpi.status).toBe(0);
    expect(kpi.stdout.replace(/\s+/g, " ")).toContain("One of: previous_period, previous_year, none.");
    expect(existsSync(dataDir)).toBe(false);
  }, 120_000);

  it("answers a mistyped command with 'did you mean' and exit code 1", () => {
    const typo = beacon("ask", "segmnet");
    expect(typo.status).toBe(1);
    expect(typo.stderr).toContain('Unknown command "segmnet". Did you mean "segment"?');
  }, 120_000);
});
