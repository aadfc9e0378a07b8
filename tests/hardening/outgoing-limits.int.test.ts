// Issue 21: every message Beacon posts goes through Slack's limits, not only answers. Import previews (and results),
// digests, alerts and Home views used to be posted as rendered: a long section or too many blocks was refused and
// the user got nothing. The real Web API client talks to the fake Slack server, which refuses like Slack does.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { types } from "@slack/bolt";
import { WebClient } from "@slack/web-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { blockViolation, messageViolation } from "../../bot/render/slack-limits.ts";
import { DeliveryFailed, SlackDelivery } from "../../bot/slack/delivery.ts";
import { post } from "../../bot/slack/import-common.ts";
import { ChannelPacer } from "../../bot/slack/pacer.ts";
import { fitView, postWithinLimits, updateWithinLimits } from "../../bot/slack/post-within-limits.ts";
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
    // post-within-limits.ts is the pipeline (delivery.ts posts through it); home-ask.ts posts one short line of text.
    expect(posting).toEqual(["home-ask.ts", "post-within-limits.ts"]);
    const updating = readdirSync(dir).filter(
      (f) => f.endsWith(".ts") && readFileSync(join(dir, f), "utf8").includes("chat.update("),
    );
    expect(updating).toEqual(["post-within-limits.ts"]);
    const publishes = readdirSync(dir).flatMap((f) =>
      f.endsWith(".ts") ? (readFileSync(join(dir, f), "utf8").match(/views\.publish\(\{[^}]*\}\)/g) ?? []) : [],
    );
    expect(publishes).toEqual(["views.publish({ user_id: userId, view: fitView(view) as types.HomeView })"]);
  });
});

describe("messages Beacon updates in place (chat.update: answers, button clicks)", () => {
  const updatesOf = (ts: string) => slack.callsOf("chat.update").filter((c) => c.args.ts === ts);

  it("an update over Slack's limits is trimmed to one message Slack accepts, the cut said", async () => {
    const result = await updateWithinLimits(
      client,
      { channel: "CUPDATE", ts: "1800000001.000100" },
      { blocks: oversize(), text: "muted" },
      { logger: quiet },
    );
    expect(result).toEqual({ plain: false, rest: [] });
    const calls = updatesOf("1800000001.000100");
    expect(calls).toHaveLength(1);
    expect(calls[0]?.response?.ok).toBe(true);
    const blocks = calls[0]?.args.blocks as types.KnownBlock[];
    expect(blocks.length).toBeLessThanOrEqual(50);
    expect(messageViolation(blocks)).toBeNull();
    expect(textOf(calls)).toContain("line 0");
    expect(JSON.stringify(blocks.at(-1))).toMatch(/\d+ more blocks did not fit in one Slack message/);
  });

  it("with keepRest the cut blocks come back for the thread instead of a note", async () => {
    const result = await updateWithinLimits(
      client,
      { channel: "CUPDATE", ts: "1800000002.000100" },
      { blocks: oversize(), text: "answer" },
      { logger: quiet, keepRest: true },
    );
    const sent = updatesOf("1800000002.000100")[0]?.args.blocks as types.KnownBlock[];
    expect(result.plain).toBe(false);
    expect(result.rest.length).toBeGreaterThan(0);
    // Nothing lost: what was sent and what came back hold every line.
    const all = JSON.stringify([...sent, ...result.rest]);
    expect(all).toContain("line 59");
    expect(all).toContain("end-of-long");
    expect(all).not.toContain("did not fit");
  });

  it("blocks Slack refuses on an update replace the message once as plain text, old blocks cleared", async () => {
    slack.rejectBlocks(1);
    const result = await updateWithinLimits(
      client,
      { channel: "CUPDATE", ts: "1800000003.000100" },
      { blocks: [section("*Muted* by <@U1>")], text: "muted", plain: "Muted by <@U1> (plain)" },
      { logger: quiet },
    );
    expect(result.plain).toBe(true);
    const calls = updatesOf("1800000003.000100");
    expect(calls.map((c) => c.response?.ok)).toEqual([false, true]);
    expect(calls[0]?.response?.error).toBe("invalid_blocks");
    expect(calls[1]?.args).toMatchObject({ text: "Muted by <@U1> (plain)", blocks: [] });
  });

  it("an answer updated in place: first page replaces the message, the rest follows in the thread", async () => {
    // A Slack of its own: the earlier tests left chat.postMessage failing on the shared one.
    const own = await startFakeSlack();
    const ownClient = new WebClient("xoxb-test-token", { slackApiUrl: own.apiUrl, retryConfig: { retries: 0 } });
    const delivery = new SlackDelivery(
      ownClient,
      new ChannelPacer(0),
      { ...quiet, error: () => undefined },
      {
        currency: "CNY",
        timezone: "Asia/Shanghai",
      },
    );
    const text = Array.from({ length: 600 }, (_, i) => `Line ${i}: <&> ${"数据".repeat(10)}`).join("\n");
    const view = {
      runId: 7,
      text,
      outcome: "ok" as const,
      steps: [],
      results: [],
      freshness: "orders up to 2026-11-22",
      model: "gpt-4o-mini",
      suggestions: [],
    };
    await delivery.updateAnswer("CANSWER", "1800000005.000000", "1800000005.000100", view);
    const update = own.callsOf("chat.update");
    expect(update).toHaveLength(1);
    expect(messageViolation(update[0]?.args.blocks as types.KnownBlock[])).toBeNull();
    const rest = own.callsOf("chat.postMessage");
    expect(rest.length).toBeGreaterThanOrEqual(1);
    for (const call of rest) expect(call.args.thread_ts).toBe("1800000005.000000");
    expect(JSON.stringify([update[0]?.args.blocks, ...rest.map((c) => c.args.blocks)])).toContain("Line 599:");
    await own.close();
  });

  it("an update Slack refuses for another reason throws DeliveryFailed with Slack's error", async () => {
    slack.failWith("chat.update", "message_not_found");
    const error = await updateWithinLimits(
      client,
      { channel: "CUPDATE", ts: "1800000004.000100" },
      { blocks: [section("x")], text: "x" },
      { logger: quiet },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryFailed);
    expect((error as DeliveryFailed).slackError).toBe("message_not_found");
  });
});
