// Slack-native answers end to end (issue 23): the real Bolt app, the real analyst on the fake OpenAI server and the
// fake Slack Web API, which speaks chat.startStream / appendStream / stopStream and checks the new block types.
// Two bots share one demo database: one streams answers, the other posts them (the path streaming falls back to).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../db/pool.ts";
import { generateDemo } from "../../derived/demo.ts";
import type { RecordedRequest, ScriptedReply } from "../fakes/fake-openai-server.ts";
import { testEngines } from "../helpers/databases.ts";
import type { FakeStream, SlackCall } from "./fake-slack-server.ts";
import { type Harness, startHarness } from "./harness.ts";
import { buttonClick, eventEnvelope, interaction, mention } from "./slack-payloads.ts";

const NOW = new Date("2026-11-20T04:00:00Z");
// biome-ignore lint/suspicious/noExplicitAny: Slack payloads are checked field by field.
type Loose = any;

const scripts = new Map<string, ScriptedReply[]>();
function script(question: string, ...replies: ScriptedReply[]): void {
  scripts.set(question, replies);
}
function scriptedReply(request: RecordedRequest): ScriptedReply {
  const users = request.body.messages.filter((m) => m.role === "user").map((m) => JSON.stringify(m.content));
  const last = users.at(-1) ?? "";
  for (const [question, replies] of scripts) {
    if (last.includes(JSON.stringify(question).slice(1, -1)) && replies.length > 0)
      return replies.shift() as ScriptedReply;
  }
  return { status: 500, message: `unscripted question: ${last.slice(0, 80)}` };
}

const postsIn = (h: Harness, channel: string) =>
  h.slack.callsOf("chat.postMessage").filter((c) => c.args.channel === channel);
const streamsIn = (h: Harness, channel: string) => [...h.slack.streams.values()].filter((s) => s.channel === channel);
const stopped = (h: Harness, channel: string) => streamsIn(h, channel).filter((s) => s.state === "stopped");

/** A plain message in a channel, as message.channels delivers it. */
function channelMessage(
  text: string,
  options: { channel: string; ts: string; threadTs?: string; user?: string; subtype?: string; botId?: string },
) {
  return {
    type: "message",
    channel_type: "channel",
    channel: options.channel,
    user: options.user ?? "UMARKETER",
    text,
    ts: options.ts,
    event_ts: options.ts,
    ...(options.threadTs ? { thread_ts: options.threadTs, parent_user_id: "UMARKETER" } : {}),
    ...(options.subtype ? { subtype: options.subtype } : {}),
    ...(options.botId ? { bot_id: options.botId } : {}),
  };
}

const KPIS_OCTOBER = {
  toolCalls: [
    { name: "compute_kpis", args: { start: "2026-10-01", end: "2026-10-31", group_by: ["channel"], compare: "none" } },
  ],
};

describe.each(testEngines())("Slack-native answers on $name", (engine) => {
  let db: Database;
  let streaming: Harness;
  let posting: Harness;

  beforeAll(async () => {
    db = await engine.open();
    await generateDemo(db, { customers: 600, seed: 11, endDate: "2026-11-19", months: 6 });
    streaming = await startHarness(db, { now: NOW, streaming: true, streamAppendIntervalMs: 50, channelGapMs: 0 });
    posting = await startHarness(db, { now: NOW, channelGapMs: 0 });
    streaming.openai.respondWith(scriptedReply);
    posting.openai.respondWith(scriptedReply);
  }, 240_000);
  afterAll(async () => {
    await streaming?.close();
    await posting?.close();
    await db?.close();
  });

  it("streams the plan and tool steps as task updates, then the checked text, then table and buttons", async () => {
    script(
      "ROAS by channel in October, streamed?",
      { ...KPIS_OCTOBER, delayMs: 300 },
      {
        text: "**xiaohongshu** led ROAS in October <!channel>.",
        delayMs: 300,
      },
    );
    const sentAt = Date.now();
    await streaming.send({
      json: eventEnvelope(
        mention("ROAS by channel in October, streamed?", { channel: "CSTREAM", ts: "1800000000.000100" }),
      ),
    });
    await streaming.slack.waitFor(() => stopped(streaming, "CSTREAM").length === 1);
    const stream = stopped(streaming, "CSTREAM")[0] as FakeStream;
    const start = streaming.slack.callsOf("chat.startStream")[0] as SlackCall;
    expect(start.args).toMatchObject({
      channel: "CSTREAM",
      thread_ts: "1800000000.000100",
      recipient_user_id: "UMARKETER",
      recipient_team_id: "T1",
      task_display_mode: "plan",
    });
    // First visible progress well before the model's 600 ms of thinking.
    expect(stream.startedAt - sentAt).toBeLessThan(1000);
    expect(stream.chunks[0]).toMatchObject({ type: "plan_update" });
    expect(stream.chunks[1]).toMatchObject({
      type: "task_update",
      status: "in_progress",
      title: "Reading the question",
    });
    const kinds = stream.chunks.map((c) => `${c.type}:${String(c.title ?? "")}`);
    const toolStarted = kinds.findIndex((k) => k.startsWith("task_update:Aggregating KPIs"));
    const grounding = kinds.findIndex((k) => k.startsWith("task_update:Checked every number"));
    const firstText = kinds.findIndex((k) => k.startsWith("markdown_text"));
    expect(toolStarted).toBeGreaterThan(1);
    // Nothing of the answer before the grounding check is reported done.
    expect(grounding).toBeGreaterThan(toolStarted);
    expect(firstText).toBeGreaterThan(grounding);
    const tool = [...stream.tasks.values()].find((t) => t.title.startsWith("Aggregating KPIs"));
    expect(tool?.status).toBe("complete");
    expect(tool?.output).toMatch(/^\d+ rows?, \d+\.\d s$/);
    expect(stream.text).toContain("**xiaohongshu** led ROAS");
    expect(stream.text).not.toContain("<!channel>");
    const types = stream.blocks.map((b: Loose) => b.type);
    expect(types).toContain("table");
    expect(types).toContain("context_actions");
    expect(types.at(-1)).toBe("context_actions");
    // The whole answer came through the stream: no post in the channel but the chart file.
    await streaming.bot.idle();
    expect(postsIn(streaming, "CSTREAM")).toHaveLength(0);
    expect(streaming.slack.callsOf("files.completeUploadExternal").some((c) => c.args.channel_id === "CSTREAM")).toBe(
      true,
    );
  });

  it("falls back to posting when Slack cannot stream (no recipient team: the message is posted whole)", async () => {
    script("Fallback please?", { text: "Posted the old way." });
    const event = { ...mention("Fallback please?", { channel: "CNOSTREAM" }) };
    // Without team_id in the envelope Bolt has no team: streaming outside a DM is not possible, the post path runs.
    const envelope = { ...eventEnvelope(event), team_id: undefined };
    await streaming.send({ json: envelope });
    await streaming.slack.waitFor(() => postsIn(streaming, "CNOSTREAM").length === 1);
    expect(streamsIn(streaming, "CNOSTREAM")).toHaveLength(0);
    expect(JSON.stringify(postsIn(streaming, "CNOSTREAM")[0]?.args.blocks)).toContain("Posted the old way.");
  });

  it("posts a table answer as a native table block with units in the header and a meaningful text", async () => {
    script("ROAS by channel in October, as a table?", KPIS_OCTOBER, { text: "Here is October by channel." });
    await posting.send({
      json: eventEnvelope(mention("ROAS by channel in October, as a table?", { channel: "CTABLE" })),
    });
    await posting.slack.waitFor(() => postsIn(posting, "CTABLE").length === 1);
    const post = postsIn(posting, "CTABLE")[0] as SlackCall;
    const blocks = post.args.blocks as Loose[];
    const table = blocks.find((b) => b.type === "table");
    const header = table.rows[0].map((c: Loose) => c.text);
    expect(header[0]).toBe("channel");
    expect(header).toContain("revenue (¥)");
    expect(table.rows.length).toBeGreaterThan(2);
    expect(table.column_settings[header.indexOf("revenue (¥)")]).toEqual({ align: "right" });
    // The notification text names the table, for screen readers and notifications.
    expect(String(post.args.text)).toContain("Here is October by channel.");
    expect(String(post.args.text)).toMatch(/Table compute_kpis: \d+ rows × \d+ columns \(channel, /);
  });

  it("shows the first rows (at most 99, within the cell budget) of a >100-row result and attaches the full table as CSV", async () => {
    script(
      "Daily KPIs since June?",
      {
        toolCalls: [
          { name: "compute_kpis", args: { start: "2026-06-01", end: "2026-10-31", group_by: ["day"], limit: 500 } },
        ],
      },
      { text: "Daily KPIs from June to October." },
    );
    await posting.send({ json: eventEnvelope(mention("Daily KPIs since June?", { channel: "CCSV" })) });
    // 153 days of KPIs: seconds on an idle machine, minutes on a loaded one (PGlite shares the test's thread).
    await posting.slack.waitFor(() => postsIn(posting, "CCSV").length === 1, 170_000);
    await posting.bot.idle();
    const blocks = postsIn(posting, "CCSV")[0]?.args.blocks as Loose[];
    const table = blocks.find((b) => b.type === "table");
    expect(table.rows.length).toBeLessThanOrEqual(100);
    expect(JSON.stringify(blocks)).toMatch(/first \d+ of 153 rows: the full table is attached as a CSV file/);
    const csv = posting.slack
      .callsOf("files.completeUploadExternal")
      .filter((c) => c.args.channel_id === "CCSV")
      .flatMap((c) => c.args.files as Loose[])
      .find((f) => String(f.title).includes("153 rows"));
    expect(csv).toBeDefined();
    const bytes = posting.slack.uploads.get(csv.id)?.toString("utf8") ?? "";
    expect(bytes.trim().split("\r\n")).toHaveLength(154);
  }, 180_000);

  it("stores 👍 and 👎 with the reason from the native feedback_buttons, as the rating buttons did", async () => {
    script("Rate me natively", { text: "Answer to rate." });
    await posting.send({ json: eventEnvelope(mention("Rate me natively", { channel: "CRATE2" })) });
    await posting.slack.waitFor(() => postsIn(posting, "CRATE2").length === 1);
    const blocks = postsIn(posting, "CRATE2")[0]?.args.blocks as Loose[];
    const feedback = blocks.find((b) => b.type === "context_actions").elements[0];
    expect(feedback.type).toBe("feedback_buttons");
    const runId = Number(String(feedback.positive_button.value).split(":")[1]);
    const click = (value: string) =>
      interaction({
        type: "block_actions",
        user: { id: "UMARKETER" },
        channel: { id: "CRATE2" },
        message: { ts: "1700000001.000100", text: "" },
        container: { type: "message", message_ts: "1700000001.000100" },
        trigger_id: `trig.${Date.now()}.${value}`,
        actions: [
          { type: "feedback_buttons", action_id: feedback.action_id, block_id: "rating", value, action_ts: "1" },
        ],
      });
    await posting.send({ form: click(feedback.positive_button.value) });
    await posting.slack.waitFor((calls) =>
      calls.some((c) => c.method === "chat.postEphemeral" && c.args.channel === "CRATE2"),
    );
    const rated = await db.pool.query<{ rating: number }>("SELECT rating FROM agent_runs WHERE id = $1", [runId]);
    expect(rated.rows[0]?.rating).toBe(1);

    await posting.send({ form: click(feedback.negative_button.value) });
    await posting.slack.waitFor((calls) =>
      calls.some((c) => c.method === "views.open" && (c.args.view as Loose).callback_id === "rating_comment_modal"),
    );
    const modal = posting.slack.callsOf("views.open").at(-1)?.args.view as Loose;
    await posting.send({
      form: interaction({
        type: "view_submission",
        user: { id: "UMARKETER" },
        view: {
          id: "VRATENATIVE",
          callback_id: "rating_comment_modal",
          private_metadata: modal.private_metadata,
          state: { values: { comment: { value: { type: "plain_text_input", value: "Wrong month." } } } },
        },
      }),
    });
    await posting.bot.idle();
    const run = await db.pool.query<{ rating: number; rating_comment: string | null }>(
      "SELECT rating, rating_comment FROM agent_runs WHERE id = $1",
      [runId],
    );
    expect(run.rows[0]).toEqual({ rating: -1, rating_comment: "Wrong month." });
  });

  it("answers a reply in a thread Beacon answered in, without a mention, with the thread's context", async () => {
    script("How was revenue in October, thread?", { text: "Revenue was strong in October." });
    await posting.send({
      json: eventEnvelope(
        mention("How was revenue in October, thread?", { channel: "CTHREAD", ts: "1800000300.000100" }),
      ),
    });
    await posting.slack.waitFor(() => postsIn(posting, "CTHREAD").length === 1);
    script("And in November then?", { text: "November was lower." });
    const reply = channelMessage("And in November then?", {
      channel: "CTHREAD",
      ts: "1800000301.000100",
      threadTs: "1800000300.000100",
    });
    await posting.send({ json: eventEnvelope(reply) });
    await posting.slack.waitFor(() => postsIn(posting, "CTHREAD").length === 2);
    expect(postsIn(posting, "CTHREAD")[1]?.args.thread_ts).toBe("1800000300.000100");
    const lastRequest = JSON.stringify(posting.openai.requests.at(-1)?.body.messages);
    expect(lastRequest).toContain("How was revenue in October, thread?");
    expect(lastRequest).toContain("Revenue was strong in October.");
    expect(lastRequest).toContain("And in November then?");
  });

  it("ignores thread replies where Beacon is not, edits, bots, top-level messages and replies to people", async () => {
    const before = posting.openai.requests.length;
    const ignored = [
      channelMessage("Anyone seen the October numbers?", {
        channel: "COTHER",
        ts: "1800000401.000100",
        threadTs: "1800000400.000100",
      }),
      channelMessage("What about ROAS?", { channel: "CTHREAD", ts: "1800000302.000100" }),
      channelMessage("edited text", {
        channel: "CTHREAD",
        ts: "1800000303.000100",
        threadTs: "1800000300.000100",
        subtype: "message_changed",
      }),
      channelMessage("a bot speaking", {
        channel: "CTHREAD",
        ts: "1800000304.000100",
        threadTs: "1800000300.000100",
        botId: "BOTHER",
      }),
      channelMessage("<@UALICE> can you check this?", {
        channel: "CTHREAD",
        ts: "1800000305.000100",
        threadTs: "1800000300.000100",
      }),
    ];
    for (const event of ignored) expect((await posting.send({ json: eventEnvelope(event) })).status).toBe(200);
    await posting.bot.idle();
    expect(posting.openai.requests.length).toBe(before);
    expect(postsIn(posting, "COTHER")).toHaveLength(0);
    expect(postsIn(posting, "CTHREAD")).toHaveLength(2);
  });

  it("offers next questions from the tool's arguments; a click asks it in the thread", async () => {
    script("October KPIs with suggestions?", KPIS_OCTOBER, { text: "October by channel." });
    await posting.send({
      json: eventEnvelope(mention("October KPIs with suggestions?", { channel: "CSUGGEST", ts: "1800000500.000100" })),
    });
    await posting.slack.waitFor(() => postsIn(posting, "CSUGGEST").length === 1);
    const first = postsIn(posting, "CSUGGEST")[0] as SlackCall;
    const buttons = (first.args.blocks as Loose[]).find((b) => b.block_id === "follow_ups").elements as Loose[];
    const questions = buttons.map((b) => b.value);
    expect(questions.length).toBeGreaterThanOrEqual(2);
    expect(questions.length).toBeLessThanOrEqual(3);
    expect(questions[0]).toBe("Same KPIs by campaign from 2026-10-01 to 2026-10-31");
    expect(questions).toContain("Compare with the previous period (2026-08-31 to 2026-09-30)");
    script(questions[0], { text: "By campaign, October." });
    await posting.send({
      form: buttonClick(buttons[0].action_id, questions[0], { channel: "CSUGGEST", messageTs: "1800000500.000100" }),
    });
    await posting.slack.waitFor(() => postsIn(posting, "CSUGGEST").length === 3);
    const [asked, answer] = postsIn(posting, "CSUGGEST").slice(1);
    expect(asked?.args).toMatchObject({ thread_ts: "1800000500.000100", text: `<@UMARKETER> asked: ${questions[0]}` });
    expect(answer?.args.thread_ts).toBe("1800000500.000100");
    expect(JSON.stringify(answer?.args.blocks)).toContain("By campaign, October.");
  });

  it("still answers in plain text when Slack refuses the blocks (invalid_blocks), posted or streamed", async () => {
    script("Refuse my blocks?", { text: "The answer survives." });
    posting.slack.rejectBlocks(1);
    await posting.send({ json: eventEnvelope(mention("Refuse my blocks?", { channel: "CINVALID" })) });
    await posting.slack.waitFor(() => postsIn(posting, "CINVALID").some((c) => c.response?.ok === true));
    const [refused, plain] = postsIn(posting, "CINVALID");
    expect(refused?.response).toMatchObject({ ok: false, error: "invalid_blocks" });
    expect(plain?.args.blocks).toBeUndefined();
    expect(String(plain?.args.text)).toContain("The answer survives.");

    script("Refuse my streamed blocks?", KPIS_OCTOBER, { text: "The streamed answer survives." });
    streaming.slack.rejectBlocks(1);
    await streaming.send({ json: eventEnvelope(mention("Refuse my streamed blocks?", { channel: "CINVALID2" })) });
    await streaming.slack.waitFor(() => stopped(streaming, "CINVALID2").length === 1);
    await streaming.bot.idle();
    const stream = stopped(streaming, "CINVALID2")[0] as FakeStream;
    // The text was already streamed; the stream ends without blocks and the table and buttons come as a post.
    expect(stream.text).toContain("The streamed answer survives.");
    expect(stream.blocks).toHaveLength(0);
    const rest = postsIn(streaming, "CINVALID2").find((c) => c.response?.ok === true);
    expect(JSON.stringify(rest?.args.blocks)).toContain('"type":"table"');
  });
});
