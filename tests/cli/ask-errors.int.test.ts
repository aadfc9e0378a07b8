// `beacon ask` when the model endpoint fails: the reason on stderr (endpoint, variable, retries), nothing on
// stdout, exit code 1. The fake server runs in this process, so the CLI is spawned asynchronously.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeOpenAI, startFakeOpenAI } from "../fakes/fake-openai-server.ts";

const ROOT = new URL("../..", import.meta.url).pathname;
const dataDir = mkdtempSync(join(tmpdir(), "beacon-ask-"));
let fake: FakeOpenAI;

async function ask(question: string, env: Record<string, string>) {
  const run = promisify(execFile)(process.execPath, ["cli/beacon.js", "ask", question], {
    cwd: ROOT,
    timeout: 200_000,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", BEACON_DATA_DIR: dataDir, ...env },
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

describe("beacon ask with a failing model", () => {
  it("a wrong API key: stderr names the endpoint and OPENAI_API_KEY, one request, exit 1", async () => {
    fake.enqueue({ status: 401, code: "invalid_api_key", message: "Incorrect API key provided" });
    const result = await ask("what was revenue last month?", {
      OPENAI_API_KEY: "sk-wrong",
      OPENAI_BASE_URL: fake.baseURL,
      OPENAI_MAX_RETRIES: "0",
    });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("beacon ask: The language model refused Beacon's API key");
    expect(result.stderr).toContain(`at OPENAI_BASE_URL ${fake.baseURL} (not retried): check OPENAI_API_KEY`);
    expect(result.stderr).not.toContain("failed after retries");
    expect(fake.requests).toHaveLength(1);
  }, 240_000);
});
