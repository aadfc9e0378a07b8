// `beacon start` with Slack credentials that do not work: one line on stderr naming the token and what to check,
// exit code 1, no stack trace, and no demo data loaded first. The fake Slack runs in this process, so the CLI is
// spawned asynchronously.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeSlack, startFakeSlack } from "../e2e/fake-slack-server.ts";

const ROOT = new URL("../..", import.meta.url).pathname;
const dataDir = mkdtempSync(join(tmpdir(), "beacon-start-"));
let slack: FakeSlack;

beforeAll(async () => {
  slack = await startFakeSlack();
});
afterAll(async () => {
  await slack.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("beacon start with a rejected Slack token", () => {
  it("prints one line naming SLACK_BOT_TOKEN and exits 1", async () => {
    slack.failWith("auth.test", "invalid_auth");
    const result = await promisify(execFile)(process.execPath, ["cli/beacon.js", "start"], {
      cwd: ROOT,
      timeout: 200_000,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "",
        BEACON_DATA_DIR: dataDir,
        SLACK_BOT_TOKEN: "xoxb-wrong",
        SLACK_SIGNING_SECRET: "secret",
        SLACK_API_URL: slack.apiUrl,
      },
    }).then(
      ({ stdout, stderr }) => ({ status: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({ ...error, status: error.code }),
    );
    expect(result.status).toBe(1);
    const lines = result.stderr.split("\n").filter((l) => l.startsWith("beacon start:"));
    expect(lines).toEqual([
      "beacon start: Slack rejected SLACK_BOT_TOKEN (auth.test: invalid_auth): check that it is the Bot User OAuth Token (xoxb-...) under OAuth & Permissions at api.slack.com/apps, and that the app is installed in the workspace.",
    ]);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stderr).not.toContain("loading the demo data");
  }, 240_000);
});
