import type { Reporter, TestCase, TestModule } from "vitest/node";
import { loadConfig } from "../config.ts";

interface Blocked {
  file: string;
  reason: string;
  /** Tests of the file or suite that never ran because of this error. */
  tests: number;
}

/**
 * Prints why anything did not run, then one plain closing line, "Tests: N passed, N failed, N skipped", with the same
 * counts as vitest's own "Tests" summary, so CI tooling can read it without parsing vitest's coloured output.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    const blocked: Blocked[] = [];
    const skippedByFile = new Map<string, number>();
    for (const module of testModules) {
      const file = module.relativeModuleId;
      const tests = [...module.children.allTests()];
      for (const test of tests) {
        const state = stateOf(test);
        counts[state] += 1;
        if (state === "skipped") skippedByFile.set(file, (skippedByFile.get(file) ?? 0) + 1);
      }
      blocked.push(...blockedIn(module, file));
    }
    const lines: string[] = [];
    if (blocked.length > 0 || unhandledErrors.length > 0) {
      lines.push("Could not run (their tests are not counted as passed):");
      for (const b of blocked) {
        const impact = b.tests > 0 ? `${b.tests} tests did not run` : "the file could not be loaded";
        lines.push(`  ${b.file}: ${b.reason} (${impact})`);
      }
      for (const error of unhandledErrors) lines.push(`  unhandled error: ${firstLine(messageOf(error))}`);
    }
    if (skippedByFile.size > 0) {
      const files = [...skippedByFile].map(([file, n]) => `${file} (${n})`).join(", ");
      lines.push(`Skipped tests by file: ${files}`);
    }
    if (!loadConfig().TEST_DATABASE_URL) {
      lines.push(
        "PostgreSQL server tests not run: TEST_DATABASE_URL is not set (integration tests ran on PGlite only).",
      );
    }
    lines.push(`Tests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
    process.stdout.write(`\n${lines.join("\n")}\n`);
  }
}

function stateOf(test: TestCase): "passed" | "failed" | "skipped" {
  const state = test.result().state;
  if (state === "passed" || state === "failed") return state;
  return "skipped";
}

/** Errors outside any test (import failures, failing beforeAll/afterAll hooks) and how many tests they kept back. */
function blockedIn(module: TestModule, file: string): Blocked[] {
  const found: Blocked[] = [];
  const owners = [module, ...module.children.allSuites()];
  for (const owner of owners) {
    const errors = owner.errors();
    if (errors.length === 0) continue;
    const notRun = [...owner.children.allTests()].filter((t) => t.result().state !== "passed").length;
    found.push({ file, reason: firstLine(errors[0]?.message ?? "failed"), tests: notRun });
  }
  return found;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String((error as { message?: unknown })?.message ?? error);
}

function firstLine(text: string): string {
  const line = text.split("\n")[0] ?? "";
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
