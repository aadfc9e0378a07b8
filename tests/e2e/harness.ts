import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createAnalyst } from "../../agent/analyst.ts";
import type { Analyst } from "../../agent/types.ts";
import { createSlackBot, type SlackBot } from "../../bot/app.ts";
import { type Config, parseConfig } from "../../config.ts";
import type { Database } from "../../db/pool.ts";
import { type FakeOpenAI, startFakeOpenAI } from "../fakes/fake-openai-server.ts";
import { type FakeSlack, sendToBot, startFakeSlack } from "./fake-slack-server.ts";

export const SIGNING_SECRET = "test-signing-secret";

/** The real Bolt app over HTTP, the fake Slack Web API and the fake OpenAI server, on one database. */
export interface Harness {
  db: Database;
  slack: FakeSlack;
  openai: FakeOpenAI;
  bot: SlackBot;
  analyst: Analyst;
  config: Config;
  url: string;
  /** A correctly signed request (JSON for events, form for commands and interactions). */
  send(
    payload: { json?: unknown; form?: Record<string, string> },
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: string; ms: number }>;
  close(): Promise<void>;
}

/** Starts everything; `llm: false` leaves OPENAI_API_KEY unset (deterministic commands only). */
export async function startHarness(
  db: Database,
  options: {
    llm?: boolean;
    now?: Date;
    channelGapMs?: number;
    analyst?: (config: Config) => Analyst;
    env?: Record<string, string>;
    /** Stream answers (chat.startStream…); off by default so the post-path tests see chat.postMessage. */
    streaming?: boolean;
    streamAppendIntervalMs?: number;
  } = {},
): Promise<Harness> {
  const slack = await startFakeSlack();
  // Files uploaded to the bot are kept under BEACON_DATA_DIR/uploads: a throwaway directory, never ./data.
  const dataDir = mkdtempSync(join(tmpdir(), "beacon-e2e-"));
  const openai = await startFakeOpenAI();
  const config = parseConfig({
    SLACK_BOT_TOKEN: "xoxb-test-token",
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    BEACON_RATE_LIMIT_PER_MINUTE: "100000",
    BEACON_DAILY_TOKEN_QUOTA: "100000000",
    OPENAI_MAX_RETRIES: "0",
    BEACON_DATA_DIR: dataDir,
    ...(options.llm === false ? {} : { OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: openai.baseURL }),
    ...options.env,
  });
  const analyst = options.analyst?.(config) ?? createAnalyst({ db, config });
  const bot = createSlackBot({
    db,
    config,
    analyst,
    now: options.now,
    channelGapMs: options.channelGapMs,
    streaming: options.streaming ?? false,
    streamAppendIntervalMs: options.streamAppendIntervalMs,
  });
  const port = await bot.start(0);
  const url = `http://127.0.0.1:${port}/slack/events`;
  return {
    db,
    slack,
    openai,
    bot,
    analyst,
    config,
    url,
    send: (payload, headers) => sendToBot(url, SIGNING_SECRET, payload, headers),
    async close() {
      await bot.idle();
      await bot.stop();
      await slack.close();
      await openai.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
