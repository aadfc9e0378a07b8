// `beacon verify list|add|remove` through the real CLI on a temporary embedded database: an answer asked with
// `beacon ask` (fake OpenAI server) is verified, the next matching `beacon ask` re-runs its tool call, and removal
// asks for --yes. The fake server runs in this process, so the CLI is spawned asynchronously.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeOpenAI, startFakeOpenAI } from "../fakes/fake-openai-server.ts";

const ROOT = new URL("../..", import.meta.url).pathname;
const dataDir = mkdtempSync(join(tmpdir(), "beacon-verify-"));
let fake: FakeOpenAI;

async function beacon(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const run = promisify(execFile)(process.execPath, ["cli/beacon.js", ...args], {
    cwd: ROOT,
    timeout: 200_000,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      USER: "li",
      BEACON_DATA_DIR: dataDir,
      OPENAI_API_KEY: "sk-test",
      OPENAI_BASE_URL: fake.baseURL,
      OPENAI_MAX_RETRIES: "0",
    },
  });
  return run.then(
    ({ stdout, stderr }) => ({ status: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ ...error, status: error.code }),
  );
}

beforeAll(async () => {
  fake = await startFakeOpenAI();
});
afterAll(async () => {
  await fake.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const october = { start: "2026-10-01", end: "2026-10-31" };

describe("beacon verify", () => {
  it("adds from an audited answer, re-runs it on a matching question, lists, and removes only with --yes", async () => {
    fake.enqueue({ toolCalls: [{ name: "compute_kpis", args: october }] }, { text: "No orders in October." });
    const first = await beacon(["ask", "What was revenue in October 2026?", "--json"]);
    expect(first.status, first.stderr).toBe(0);
    const runId = (JSON.parse(first.stdout) as { runId: number }).runId;

    const added = await beacon(["verify", "add", String(runId)]);
    expect(added.status, added.stderr).toBe(0);
    const verified = (JSON.parse(added.stdout) as { verified: Record<string, unknown> }).verified;
    expect(verified).toMatchObject({
      runId,
      question: "What was revenue in October 2026?",
      verifiedBy: "li",
      toolCalls: [{ tool: "compute_kpis", args: october }],
    });

    fake.requests.length = 0;
    fake.enqueue({ text: "Still no orders in October." });
    const again = await beacon(["ask", "what was revenue in october 2026", "--json"]);
    expect(again.status, again.stderr).toBe(0);
    const answer = JSON.parse(again.stdout) as { text: string; verified: { id: number }; steps: unknown[] };
    expect(answer.verified.id).toBe(verified.id);
    expect(answer.text).toMatch(
      /^✅ Verified answer \(verified by li on \d{4}-\d\d-\d\d; re-run on data up to current data\)/,
    );
    expect(answer.steps).toMatchObject([{ tool: "compute_kpis", args: october, ok: true }]);
    expect(fake.requests).toHaveLength(1);

    const list = await beacon(["verify", "list"]);
    expect((JSON.parse(list.stdout) as { verified: { id: number }[] }).verified.map((v) => v.id)).toEqual([
      verified.id,
    ]);

    const unasked = await beacon(["verify", "remove", String(verified.id)]);
    expect(unasked.status).toBe(2);
    expect(unasked.stderr).toContain(
      `verify remove would delete verified answer ${verified.id} ("What was revenue in October 2026?", verified by li); add --yes to confirm`,
    );
    expect((JSON.parse((await beacon(["verify", "list"])).stdout) as { verified: unknown[] }).verified).toHaveLength(1);
    const removed = await beacon(["verify", "remove", String(verified.id), "--yes"]);
    expect(removed.status, removed.stderr).toBe(0);
    expect((JSON.parse((await beacon(["verify", "list"])).stdout) as { verified: unknown[] }).verified).toEqual([]);
  }, 300_000);

  it("says clearly what is wrong", async () => {
    const missing = await beacon(["verify", "add", "424242"]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain("answer 424242 is not in the audit log");
    const notId = await beacon(["verify", "add", "abc"]);
    expect(notId.status).toBe(2);
    expect(notId.stderr).toContain('verify add: "abc" is not an id');
    const gone = await beacon(["verify", "remove", "999", "--yes"]);
    expect(gone.status).toBe(2);
    expect(gone.stderr).toContain("verified answer 999 does not exist");
    const unknown = await beacon(["verify", "purge"]);
    expect(unknown.stderr).toContain('unknown verify action "purge"');
  }, 200_000);
});
