// The analyst in a worker thread (server databases): same answers, progress relayed, ratings stored.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWorkerAnalyst, type WorkerAnalyst } from "../../agent/worker-analyst.ts";
import { loadConfig, parseConfig } from "../../config.ts";
import type { Database } from "../../db/pool.ts";
import { createScratchDatabase } from "../../db/scratch.ts";
import { type FakeOpenAI, startFakeOpenAI } from "../fakes/fake-openai-server.ts";

const serverUrl = loadConfig().TEST_DATABASE_URL;

describe.skipIf(!serverUrl)("worker analyst on postgres", () => {
  let db: Database;
  let fake: FakeOpenAI;
  let analyst: WorkerAnalyst;
  beforeAll(async () => {
    db = await createScratchDatabase(serverUrl as string, "beacon_test");
    const { rows } = await db.pool.query<{ name: string }>("SELECT current_database() AS name");
    const url = new URL(serverUrl as string);
    url.pathname = `/${rows[0]?.name}`;
    await db.pool.query(
      "INSERT INTO channels (code, name, type, platform) VALUES ('douyin_ads', 'Douyin Ads', 'short_video', 'Douyin')",
    );
    fake = await startFakeOpenAI();
    analyst = await startWorkerAnalyst(
      parseConfig({ DATABASE_URL: url.toString(), OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: fake.baseURL }),
    );
  }, 60_000);
  afterAll(async () => {
    await analyst?.close();
    await fake?.close();
    await db?.close();
  });

  it("answers through the worker with the tool trail and relays progress", async () => {
    fake.enqueue({ toolCalls: [{ name: "list_channels", args: {} }] }, { text: "We run 1 channel: Douyin Ads." });
    const progress: string[] = [];
    const answer = await analyst.ask({
      question: "Which channels do we run?",
      userId: "UW",
      caller: { userId: "UW", role: "marketer", canSeePii: false },
      surface: "slack",
      threadKey: "worker-1",
      now: new Date("2026-11-01T04:00:00Z"),
      onProgress: (status) => progress.push(status),
    });
    expect(answer.outcome).toBe("ok");
    expect(answer.text).toBe("We run 1 channel: Douyin Ads.");
    expect(answer.steps).toMatchObject([{ tool: "list_channels", ok: true }]);
    expect(progress).toEqual(["Running list channels…"]);
    await analyst.rate(answer.runId, 1);
    const { rows } = await db.pool.query("SELECT rating FROM agent_runs WHERE id = $1", [answer.runId]);
    expect(rows[0]?.rating).toBe(1);
    await expect(analyst.rate(999_999, -1)).rejects.toThrow(/does not exist/);
  });
});
