// Slack's limits, enforced after escaping: every block the answer pipeline produces fits, whatever the answer holds.
import type { webApi } from "@slack/bolt";
import { describe, expect, it } from "vitest";
import type { AnswerView } from "../../bot/render/answer-view.ts";
import { answerBlocks, failureBlocks } from "../../bot/render/blocks.ts";
import { slackPlainAnswer } from "../../bot/render/plain-answer.ts";
import {
  blockChars,
  capText,
  fitBlock,
  fitMessages,
  messageViolation,
  SLACK_LIMITS,
  splitMrkdwn,
} from "../../bot/render/slack-limits.ts";
import { DeliveryFailed, SlackDelivery, slackErrorOf } from "../../bot/slack/delivery.ts";
import { ChannelPacer } from "../../bot/slack/pacer.ts";

// biome-ignore lint/suspicious/noExplicitAny: Block Kit JSON is inspected loosely.
type Loose = any;

const SETTINGS = { currency: "CNY", timezone: "Asia/Shanghai" };
const view = (over: Partial<AnswerView> = {}): AnswerView => ({
  runId: 7,
  text: "Here is what the query found.",
  outcome: "ok",
  steps: [{ tool: "query_database", args: {}, ok: true, rows: 20, elapsedMs: 12 }],
  results: [],
  freshness: "orders up to 2026-11-22",
  model: "gpt-4o-mini",
  suggestions: ["What next?"],
  ...over,
});
/** A query_database result like the report's: 20 rows whose text cells are long and full of `<>&`. */
const wideQuery = (rows: number, cell: string) => ({
  columns: ["id", "note", "channel"],
  rows: Array.from({ length: rows }, (_, i) => ({ id: i + 1, note: `${cell} ${i}`, channel: `渠道_${i}` })),
  row_count: rows,
});

/** Every message the pipeline would send, checked against each documented limit. */
function expectWithinLimits(blocks: Loose[]): Loose[][] {
  const messages = fitMessages(blocks);
  for (const message of messages) {
    expect(messageViolation(message)).toBeNull();
    expect(message.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    expect(message.reduce((n, b) => n + blockChars(b), 0)).toBeLessThanOrEqual(SLACK_LIMITS.messageBlockChars);
    for (const b of message as Loose[]) {
      if (b.type === "section") expect(b.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionChars);
      if (b.type === "header") expect(b.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.headerChars);
      if (b.type === "context") for (const e of b.elements) expect(e.text.length).toBeLessThanOrEqual(3000);
      if (b.type === "actions")
        for (const e of b.elements) expect(e.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.buttonText);
    }
  }
  return messages;
}
const sectionsOf = (messages: Loose[][]) => messages.flat().filter((b) => b.type === "section");

describe("Slack limits after escaping", () => {
  it("the reported query_database table (a 13,377-character section) fits one section and goes out as a CSV", () => {
    const result = wideQuery(20, "x<y>&z ".repeat(80));
    const rendered = answerBlocks(view({ results: [{ tool: "query_database", args: {}, result }] }), SETTINGS);
    // Before: the preview was measured before escaping and had no cap on cell width.
    const table = sectionsOf([rendered.blocks]).find((b) => b.text.text.startsWith("*query_database*"));
    expect(table.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionChars);
    // Now a native table block cut to its character budget, with the full table attached as CSV.
    expect(table.text.text).toMatch(/first \d+ of 20 rows: the full table is attached as a CSV file/);
    expect(messageViolation(rendered.blocks)).toBeNull();
    // raw_text cells are shown verbatim (no mrkdwn, no mentions): the cell keeps its characters, cut to the cell cap.
    const cells = (rendered.blocks.find((b) => b.type === "table") as Loose).rows.flat();
    expect(cells.some((c: Loose) => c.text.startsWith("x<y>&z"))).toBe(true);
    expect(Math.max(...cells.map((c: Loose) => c.text.length))).toBeLessThanOrEqual(SLACK_LIMITS.tableCellChars);
    expect(rendered.csvTables).toHaveLength(1);
    expect(rendered.csvTables[0]?.rows).toHaveLength(20);
    expectWithinLimits(rendered.blocks);
  });

  it("a small table whose escaping pushes it past 3,000 characters is caught (measured after escaping)", () => {
    // 20 rows of 110 '&' each: 2,200+ characters raw, over 11,000 once every '&' is '&amp;'.
    const result = wideQuery(20, "&".repeat(36));
    const rendered = answerBlocks(view({ results: [{ tool: "query_database", args: {}, result }] }), SETTINGS);
    expectWithinLimits(rendered.blocks);
    for (const b of sectionsOf([rendered.blocks]))
      expect(b.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionChars);
  });

  it("a huge table (5,000 rows, 12 columns) shows a preview within limits and attaches the CSV", () => {
    const rows = Array.from({ length: 5000 }, (_, i) =>
      Object.fromEntries(Array.from({ length: 12 }, (_, c) => [`column_${c}`, c === 0 ? `<row ${i}>` : i * c])),
    );
    const rendered = answerBlocks(
      view({ results: [{ tool: "query_database", args: {}, result: { rows } }] }),
      SETTINGS,
    );
    expect(rendered.csvTables[0]?.rows).toHaveLength(5000);
    expectWithinLimits(rendered.blocks);
  });

  it("long answer text full of <>& (it grows 4-5x when escaped) is split, never cut inside an entity", () => {
    const text = Array.from({ length: 150 }, (_, i) => `Line ${i}: <b> & <i> && <<>> ${"&".repeat(i % 50)}`).join("\n");
    const rendered = answerBlocks(view({ text }), SETTINGS);
    const messages = expectWithinLimits(rendered.blocks);
    const sections = sectionsOf(messages).map((b) => b.text.text as string);
    expect(sections.length).toBeGreaterThan(5);
    for (const piece of sections) expect(piece).not.toMatch(/&(a|am|l|g|lt|gt|amp)?$|^(mp|p|t)?;/);
    // Nothing lost: the pieces together hold every line.
    const joined = sections.join("\n");
    expect(joined).toContain("Line 0: &lt;b&gt; &amp; &lt;i&gt;");
    expect(joined).toContain("Line 149:");
    expect(joined).not.toContain("cut here");
  });

  it("one 20,000-character line of CJK is cut into sections, no surrogate pair split", () => {
    const text = `结果:${"营销数据分析😀".repeat(2500)}`;
    const messages = expectWithinLimits(answerBlocks(view({ text }), SETTINGS).blocks);
    for (const b of sectionsOf(messages)) {
      const t = b.text.text as string;
      expect(t.charCodeAt(t.length - 1) >= 0xd800 && t.charCodeAt(t.length - 1) <= 0xdbff).toBe(false);
      expect(t.charCodeAt(0) >= 0xdc00 && t.charCodeAt(0) <= 0xdfff).toBe(false);
    }
  });

  it("a code block split across sections is closed and reopened in each piece", () => {
    const code = ["```", ...Array.from({ length: 300 }, (_, i) => `row ${i} ${"x".repeat(20)}`), "```"].join("\n");
    const pieces = splitMrkdwn(code);
    expect(pieces.length).toBeGreaterThan(1);
    for (const piece of pieces) {
      expect(piece.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionChars);
      expect((piece.match(/```/g) ?? []).length % 2).toBe(0);
    }
  });

  it("headers, context, buttons and block ids are capped; more than 50 blocks go in several messages", () => {
    const blocks: Loose[] = [
      { type: "header", text: { type: "plain_text", text: "标题".repeat(200) } },
      { type: "context", elements: Array.from({ length: 14 }, () => ({ type: "mrkdwn", text: "&lt;".repeat(900) })) },
      {
        type: "actions",
        block_id: "b".repeat(300),
        elements: [{ type: "button", action_id: "a", text: { type: "plain_text", text: "q".repeat(200) }, value: "v" }],
      },
      ...Array.from({ length: 80 }, (_, i) => ({ type: "section", text: { type: "mrkdwn", text: `part ${i}` } })),
    ];
    const messages = expectWithinLimits(blocks);
    expect(messages.length).toBeGreaterThan(1);
    expect(messages.flat().filter((b) => b.type === "section")).toHaveLength(80);
    expect(fitBlock(blocks[0])[0]).toMatchObject({ text: { text: expect.stringMatching(/…$/) } });
  });

  it("the failure notice and the plain-text fallback are capped too", () => {
    const failure = failureBlocks(`<b>${"&".repeat(5000)}`);
    expectWithinLimits(failure.blocks);
    expect(failure.plain?.length).toBeLessThanOrEqual(SLACK_LIMITS.plainMessageChars);
    const result = wideQuery(200, "x<y>&z ".repeat(80));
    const plain = slackPlainAnswer(
      view({ text: "<b>".repeat(10_000), results: [{ tool: "query_database", args: {}, result }] }),
      SETTINGS,
    );
    expect(plain.length).toBeLessThanOrEqual(SLACK_LIMITS.plainMessageChars);
    expect(plain).not.toContain("<b>");
    expect(capText("&amp;&amp;", 8)).toBe("&amp;…");
  });
});

/** A WebClient stand-in: records posts, answers each with the next scripted Slack error (or ok). */
function recordingClient(errors: (string | null)[]) {
  const posts: Loose[] = [];
  let ts = 100;
  const client = {
    chat: {
      postMessage: async (args: Loose) => {
        posts.push(args);
        const error = errors.shift();
        if (error) throw Object.assign(new Error(error), { code: "slack_webapi_platform_error", data: { error } });
        ts += 1;
        return { ok: true, ts: `${ts}.000` };
      },
    },
  };
  return { client: client as unknown as webApi.WebClient, posts };
}
const logger = { warn: () => undefined, error: () => undefined };

describe("the delivery pipeline", () => {
  it("a long answer goes out as several messages in one thread, each within limits", async () => {
    const { client, posts } = recordingClient([]);
    const delivery = new SlackDelivery(client, new ChannelPacer(0), logger, SETTINGS);
    const text = Array.from({ length: 600 }, (_, i) => `Line ${i}: <&> ${"数据".repeat(10)}`).join("\n");
    const ts = await delivery.postAnswer("C1", undefined, view({ text }));
    expect(posts.length).toBeGreaterThan(1);
    expect(ts).toBe("101.000");
    expect(posts[0].thread_ts).toBeUndefined();
    for (const post of posts.slice(1)) expect(post.thread_ts).toBe("101.000");
    for (const post of posts) expect(messageViolation(post.blocks)).toBeNull();
    expect(posts.map((p) => JSON.stringify(p.blocks)).join("")).toContain("Line 599:");
  });

  it("refused blocks are retried once as plain text; if that fails too, DeliveryFailed names both errors", async () => {
    const ok = recordingClient(["invalid_blocks"]);
    await new SlackDelivery(ok.client, new ChannelPacer(0), logger, SETTINGS).postFailure("C1", "1.0", "<b>down</b>");
    expect(ok.posts.map((p) => p.blocks === undefined)).toEqual([false, true]);
    expect(ok.posts[1].text).toBe(":warning: &lt;b&gt;down&lt;/b&gt;");

    const bad = recordingClient(["msg_blocks_too_long", "msg_too_long", null]);
    const delivery = new SlackDelivery(bad.client, new ChannelPacer(0), logger, SETTINGS);
    const error = await delivery.postAnswer("C1", "1.0", view()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryFailed);
    expect((error as DeliveryFailed).slackError).toBe("msg_blocks_too_long, then msg_too_long");
    expect(bad.posts).toHaveLength(2);
  });

  it("an outage is not retried as plain text: it is a delivery failure at once", async () => {
    const { client, posts } = recordingClient(["service_unavailable"]);
    const delivery = new SlackDelivery(client, new ChannelPacer(0), logger, SETTINGS);
    const error = await delivery.postAnswer("C1", "1.0", view()).catch((e: unknown) => e);
    expect((error as DeliveryFailed).slackError).toBe("service_unavailable");
    expect(posts).toHaveLength(1);
    expect(slackErrorOf({ original: new Error("connect ECONNREFUSED") })).toBe("request_failed: connect ECONNREFUSED");
  });
});
