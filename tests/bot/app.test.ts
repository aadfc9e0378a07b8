// The app factory picks Socket Mode or HTTP from the configuration and refuses an incomplete one.
import { describe, expect, it } from "vitest";
import type { Analyst } from "../../agent/types.ts";
import { createSlackBot } from "../../bot/app.ts";
import { parseConfig } from "../../config.ts";
import type { Database } from "../../db/pool.ts";

const analyst: Analyst = {
  modelConfigured: false,
  ask: async () => {
    throw new Error("not used");
  },
  rate: async () => {},
};
const db = { pool: {} } as unknown as Database;

describe("createSlackBot", () => {
  it("uses Socket Mode with an app token and HTTP with a signing secret", () => {
    const socket = createSlackBot({
      db,
      analyst,
      config: parseConfig({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_APP_TOKEN: "xapp-1" }),
    });
    expect(socket.mode).toBe("socket");
    const http = createSlackBot({
      db,
      analyst,
      config: parseConfig({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_SIGNING_SECRET: "s" }),
    });
    expect(http.mode).toBe("http");
  });

  it("refuses to start without a bot token, or over HTTP without a signing secret", () => {
    expect(() => createSlackBot({ db, analyst, config: parseConfig({}) })).toThrow("SLACK_BOT_TOKEN");
    expect(() => createSlackBot({ db, analyst, config: parseConfig({ SLACK_BOT_TOKEN: "xoxb-1" }) })).toThrow(
      "SLACK_SIGNING_SECRET",
    );
  });
});
