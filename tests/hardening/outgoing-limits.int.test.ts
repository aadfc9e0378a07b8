// Issue 21: every message Beacon posts goes through Slack's limits, not only answers. Import previews (and results),
// digests, alerts and Home views used to be posted as rendered: a long section or too many blocks was refused and
// the user got nothing. The real Web API client talks to the fake Slack server, which refuses like Slack does.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { types } from "@slack/bolt";
import { WebClient } from "@slack/web-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { blockViolation, messageViolation } from "../../bot/render/slack-limits.ts";
import { DeliveryFailed } from "../../bot/slack/delivery.ts";
import { post } from "../../bot/slack/import-common.ts";
import { fitView, postWithinLimits } from "../../bot/slack/post-within-limits.ts";
import { type FakeSlack, type SlackCall, startFakeSlack } from "../e2e/fake-slack-server.ts";

const quiet = { warn: () => undefined };
const section = (text: string): types.KnownBlock => ({ type: "section", text: { type: "mrkdwn", text } });
/** 60 sections, one of them 7,000 characters: over the 50-block and 3,000-character limits. */
const oversize = (): types.KnownBlock[] =>
  Array.from({ length: 60 }, (_, i) => section(i === 5 ? `${"x".repeat(6990)} end-of-long` : `line ${i}`));

let slack: FakeSlack;
let client: WebClient;
beforeAll(async () => {
  slack = await startFakeSlack();
  client = new WebClient("xoxb-test-token", { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
});
afterAll(() => slack?.close());

const postsIn = (channel: string) => slack.callsOf("chat.postMessage").filter((c) => c.args.channel === channel);
const textOf = (calls: SlackCall[]) =>
  calls.flatMap((c) => (c.args.blocks as { text?: { text?: string } }[]).map((b) => b.text?.text ?? "")).join("\n");

describe("messages Beacon posts on its own", () => {
  it("an import preview over Slack's limits is split into messages Slack accepts, nothing lost", async () => {
    const ts = await post(
      client,
      { user: "U1", channel: "CIMPORT", threadTs: "1800000000.000100" },
      {
        blocks: oversize(),
        text: "preview",
      },
    );
    expect(ts).toBeDefined();
    const calls = postsIn("CIMPORT");
    expect(calls.length).toBeGreaterThanOrEqual(2);
    for (const call of calls) {
      expect(call.response?.ok).toBe(true);
      expect(call.args.thread_ts).toBe("1800000000.000100");
      expect(messageViolation(call.args.blocks as types.KnownBlock[])).toBeNull();
    }
    const shown = textOf(calls);
    expect(shown).toContain("end-of-long");
    expect(shown).toContain("line 0");
    expect(shown).toContain("line 59");
  });

  it("a top-level post (digest, alert) continues in its own thread, and falls back to plain text once", async () => {
    const first = await postWithinLimits(
      client,
      { channel: "CDIGEST" },
      { blocks: oversize(), text: "digest" },
      {
        logger: quiet,
      },
    );
    const calls = postsIn("CDIGEST");
    expect(calls[0]?.args.thread_ts).toBeUndefined();
    expect(calls.slice(1).map((c) => c.args.thread_ts)).toEqual(calls.slice(1).map(() => first.ts));
    slack.rejectBlocks(1);
    const refused = await postWithinLimits(
      client,
      { channel: "CFALLBACK" },
      { blocks: [section("*Revenue* rose")], text: "alert", plain: "Revenue rose (plain)" },
      { logger: quiet },
    );
    expect(refused.ts).toBeDefined();
    const fallback = postsIn("CFALLBACK");
    expect(fallback.map((c) => c.response?.ok)).toEqual([false, true]);
    expect(fallback[1]?.args).toMatchObject({ text: "Revenue rose (plain)" });
    expect(fallback[1]?.args.blocks).toBeUndefined();
  });

  it("a failure that is not about the blocks throws DeliveryFailed with Slack's error", async () => {
    slack.failWith("chat.postMessage", "channel_not_found");
    const error = await postWithinLimits(
      client,
      { channel: "CGONE" },
      { blocks: [section("x")], text: "x" },
      {
        logger: quiet,
      },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryFailed);
    expect((error as DeliveryFailed).slackError).toBe("channel_not_found");
  });

  it("a Home view is fitted: at most 100 blocks, no block over its limits, the cut said", () => {
    const blocks: types.KnownBlock[] = [
      { type: "header", text: { type: "plain_text", text: "H".repeat(400) } },
      ...Array.from({ length: 130 }, (_, i) => section(i === 0 ? "y".repeat(4500) : `row ${i}`)),
    ];
    const view = fitView({ type: "home" as const, blocks });
    expect(view.type).toBe("home");
    expect(view.blocks).toHaveLength(100);
    expect(view.blocks.map(blockViolation).filter(Boolean)).toEqual([]);
    expect(JSON.stringify(view.blocks.at(-1))).toContain("more blocks did not fit Slack's 100-block limit");
  });

  it("no code in bot/ posts blocks or publishes a view around the pipeline", () => {
    const dir = new URL("../../bot/slack/", import.meta.url).pathname;
    const posting = readdirSync(dir)
      .filter((f) => f.endsWith(".ts") && readFileSync(join(dir, f), "utf8").includes("chat.postMessage("))
      .sort();
    // delivery.ts and post-within-limits.ts are the pipeline; home-ask.ts posts one short line of text, no blocks.
    expect(posting).toEqual(["delivery.ts", "home-ask.ts", "post-within-limits.ts"]);
    const publishes = readdirSync(dir).flatMap((f) =>
      f.endsWith(".ts") ? (readFileSync(join(dir, f), "utf8").match(/views\.publish\(\{[^}]*\}\)/g) ?? []) : [],
    );
    expect(publishes).toEqual(["views.publish({ user_id: userId, view: fitView(view) as types.HomeView })"]);
  });
});
