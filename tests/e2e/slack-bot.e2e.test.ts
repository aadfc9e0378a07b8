// End to end: the real Bolt app over HTTP with signed requests, the real analyst on the fake OpenAI server, and a
// fake Slack Web API that records every call. One demo database (PGlite) for the whole file.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../db/pool.ts";
import { generateDemo } from "../../derived/demo.ts";
import type { RecordedRequest, ScriptedReply } from "../fakes/fake-openai-server.ts";
import { testEngines } from "../helpers/databases.ts";
import { type SlackCall, sendToBot } from "./fake-slack-server.ts";
import { type Harness, SIGNING_SECRET, startHarness } from "./harness.ts";
import { buttonClick, eventEnvelope, interaction, mention, slashCommand } from "./slack-payloads.ts";

const NOW = new Date("2026-11-20T04:00:00Z");
// biome-ignore lint/suspicious/noExplicitAny: Slack payloads are checked field by field.
type Loose = any;

const blocksText = (call: SlackCall) => JSON.stringify(call.args.blocks ?? "") + String(call.args.text ?? "");
// Replies per question, so one test's model calls can never consume another test's script.
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

describe.each(testEngines())("Slack bot end to end on $name", (engine) => {
  let db: Database;
  let h: Harness;

  beforeAll(async () => {
    db = await engine.open();
    await generateDemo(db, { customers: 1500, seed: 7, endDate: "2026-11-19", months: 6 });
    h = await startHarness(db, { now: NOW, env: { BEACON_SUPPORT_CHANNEL: "CSUPPORTDESK" } });
    h.openai.respondWith(scriptedReply);
  });
  afterAll(async () => {
    await h?.close();
    await db?.close();
  });

  it("answers an @mention in the message's thread, with the table, provenance, buttons and a chart", async () => {
    script(
      "ROAS by channel in October?",
      {
        toolCalls: [{ name: "compute_kpis", args: { start: "2026-10-01", end: "2026-10-31", group_by: ["channel"] } }],
      },
      { text: "**xiaohongshu** had the best ROAS in October <!channel>." },
    );
    const event = mention("ROAS by channel in October?", { channel: "CMENTION", ts: "1800000000.000100" });
    const response = await h.send({ json: eventEnvelope(event) });
    expect(response.status).toBe(200);
    await h.slack.waitFor(() => postsIn(h, "CMENTION").length === 1);
    const post = postsIn(h, "CMENTION")[0] as SlackCall;
    expect(post.args.thread_ts).toBe("1800000000.000100");
    const text = blocksText(post);
    expect(text).toContain("*xiaohongshu* had the best ROAS");
    expect(text).not.toContain("<!channel>");
    expect(text).toContain("&lt;!channel&gt;");
    expect(text).toContain("How I got this");
    expect(text).toContain("compute_kpis");
    expect(text).toContain('"type":"feedback_buttons"');
    await h.bot.idle();
    const completed = h.slack.callsOf("files.completeUploadExternal").filter((c) => c.args.channel_id === "CMENTION");
    expect(completed).toHaveLength(1);
    expect(completed[0]?.args.thread_ts).toBe("1800000000.000100");
    expect(JSON.stringify(completed[0]?.args.files)).toContain("ROAS by channel");
    const png = h.slack.uploads.get(((completed[0] as SlackCall).args.files as Loose)[0].id) as Buffer;
    expect(png.subarray(1, 4).toString()).toBe("PNG");
  });

  it("keeps context for a follow-up mention in the same thread", async () => {
    script("How was revenue in October?", { text: "Revenue was strong in October." });
    const first = mention("How was revenue in October?", { channel: "CFOLLOW", ts: "1800000100.000100" });
    await h.send({ json: eventEnvelope(first) });
    await h.slack.waitFor(() => postsIn(h, "CFOLLOW").length === 1);
    script("And November?", { text: "November was lower." });
    const second = mention("And November?", {
      channel: "CFOLLOW",
      ts: "1800000101.000100",
      threadTs: "1800000100.000100",
    });
    await h.send({ json: eventEnvelope(second) });
    await h.slack.waitFor(() => postsIn(h, "CFOLLOW").length === 2);
    expect(postsIn(h, "CFOLLOW")[1]?.args.thread_ts).toBe("1800000100.000100");
    const lastRequest = JSON.stringify(h.openai.requests.at(-1)?.body.messages);
    expect(lastRequest).toContain("How was revenue in October?");
    expect(lastRequest).toContain("Revenue was strong in October.");
    expect(lastRequest).toContain("And November?");
  });

  it("assistant threads: prompts by role, a title, changing status while tools run, then the answer", async () => {
    await db.pool.query(
      "INSERT INTO app_users (slack_user_id, display_name, role) VALUES ('UMGR', 'Mia Manager', 'manager') ON CONFLICT DO NOTHING",
    );
    await h.send({
      json: eventEnvelope({
        type: "assistant_thread_started",
        assistant_thread: {
          user_id: "UMGR",
          context: { channel_id: "CMARKETING", team_id: "T1" },
          channel_id: "DMGR",
          thread_ts: "1800000200.000100",
        },
        event_ts: "1800000200.000200",
      }),
    });
    await h.slack.waitFor((calls) => calls.some((c) => c.method === "assistant.threads.setSuggestedPrompts"));
    const prompts = h.slack.callsOf("assistant.threads.setSuggestedPrompts")[0] as SlackCall;
    expect(prompts.args.channel_id).toBe("DMGR");
    expect(JSON.stringify(prompts.args.prompts)).toContain("Budget reallocation");

    // A slow model: status updates arrive before the answer.
    script(
      "Which channel gets the most Markov credit?",
      { toolCalls: [{ name: "compute_attribution", args: { start: "2026-09-01", end: "2026-10-31" } }], delayMs: 400 },
      { text: "Douyin leads the Markov credit.", delayMs: 400 },
    );
    await h.send({
      json: eventEnvelope({
        type: "message",
        channel_type: "im",
        channel: "DMGR",
        user: "UMGR",
        text: "Which channel gets the most Markov credit?",
        ts: "1800000201.000100",
        thread_ts: "1800000200.000100",
        event_ts: "1800000201.000100",
      }),
    });
    await h.slack.waitFor(() => postsIn(h, "DMGR").length === 1);
    const title = h.slack.callsOf("assistant.threads.setTitle")[0] as SlackCall;
    expect(title.args.title).toBe("Which channel gets the most Markov credit?");
    const statuses = h.slack.callsOf("assistant.threads.setStatus").filter((c) => c.args.channel_id === "DMGR");
    expect(statuses[0]?.args.status).toBe("is thinking…");
    expect(statuses.length).toBeGreaterThanOrEqual(2);
    expect(statuses.map((c) => String(c.args.status)).join(" | ")).toMatch(/attribution/i);
    const answer = postsIn(h, "DMGR")[0] as SlackCall;
    expect(answer.args.thread_ts).toBe("1800000200.000100");
    expect(Math.max(...statuses.map((c) => c.at))).toBeLessThanOrEqual(answer.at);
    expect(blocksText(answer)).toContain("Douyin leads the Markov credit.");
  });

  it("/beacon ask answers in a thread under the question, and two posts to one channel are a second apart", async () => {
    script("What was paid CAC last month?", { text: "Paid CAC held steady last month." });
    const response = await h.send({ form: slashCommand("ask What was paid CAC last month?", { channel: "CSLASH" }) });
    expect(response.status).toBe(200);
    await h.slack.waitFor(() => postsIn(h, "CSLASH").length === 2);
    const [header, answer] = postsIn(h, "CSLASH") as [SlackCall, SlackCall];
    expect(String(header.args.text)).toContain("<@UMARKETER> asked: What was paid CAC last month?");
    expect(header.args.thread_ts).toBeUndefined();
    expect(answer.args.thread_ts).toBe(header.response?.ts);
    expect(blocksText(answer)).toContain("Paid CAC held steady last month.");
    expect(answer.at - header.at).toBeGreaterThanOrEqual(950);
  });

  it("/beacon deterministic commands run without the model; a bad argument is named with the usage", async () => {
    const before = h.openai.requests.length;
    await h.send({
      form: slashCommand("kpi start=2026-10-01 end=2026-10-31 group_by=channel compare=none", { channel: "CKPI" }),
    });
    await h.slack.waitFor(() => postsIn(h, "CKPI").length === 1);
    const post = postsIn(h, "CKPI")[0] as SlackCall;
    expect(blocksText(post)).toContain("2026-10-01..2026-10-31: revenue");
    expect(blocksText(post)).toContain("xiaohongshu");
    expect(h.openai.requests.length).toBe(before);

    await h.send({ form: slashCommand("kpi group_by=chanel", { channel: "CKPI" }) });
    await h.slack.waitFor((calls) =>
      calls.some((c) => c.method === "chat.postEphemeral" && String(c.args.text).includes("group_by")),
    );
    const error = h.slack
      .callsOf("chat.postEphemeral")
      .find((c) => String(c.args.text).includes("group_by")) as SlackCall;
    expect(String(error.args.text)).toContain("group_by.0");
    expect(String(error.args.text)).toContain("Usage: /beacon kpi");

    await h.send({ form: slashCommand("segment dimension=rfm bogus", { channel: "CKPI" }) });
    await h.slack.waitFor((calls) =>
      calls.some((c) => c.method === "chat.postEphemeral" && String(c.args.text).includes("bogus")),
    );

    await h.send({ form: slashCommand("kpis group_by=channel", { channel: "CKPI" }) });
    await h.slack.waitFor((calls) =>
      calls.some((c) => c.method === "chat.postEphemeral" && String(c.args.text).includes("Did you mean")),
    );
    const typo = h.slack.callsOf("chat.postEphemeral").find((c) => String(c.args.text).includes("Did you mean"));
    expect(String(typo?.args.text)).toContain("Unknown command `kpis`. Did you mean `/beacon kpi`?");
    expect(h.openai.requests.length).toBe(before);
  });

  it("without a model: deterministic commands work, free text explains how to configure one", async () => {
    const offline = await startHarness(db, { llm: false, now: NOW });
    try {
      await offline.send({ form: slashCommand("segment", { channel: "COFF" }) });
      await offline.slack.waitFor(() => postsIn(offline, "COFF").length === 1);
      expect(blocksText(postsIn(offline, "COFF")[0] as SlackCall)).toContain("value_tier segments");
      await offline.send({ json: eventEnvelope(mention("What is ROAS?", { channel: "COFF2" })) });
      await offline.slack.waitFor(() => postsIn(offline, "COFF2").length === 1);
      expect(blocksText(postsIn(offline, "COFF2")[0] as SlackCall)).toContain("OPENAI_API_KEY");
      expect(offline.openai.requests).toHaveLength(0);
    } finally {
      await offline.close();
    }
  });

  it("message shortcut -> prefilled modal -> submission -> one ticket, its id in the thread", async () => {
    const text = "Customer CUS-0000010 says the parcel arrived broken and wants a refund 😡";
    await h.send({
      form: interaction({
        type: "message_action",
        callback_id: "log_customer_feedback",
        trigger_id: "trig.shortcut.1",
        user: { id: "USUPPORT" },
        channel: { id: "CSUPPORT" },
        message: { ts: "1800000300.000100", text, user: "UCUSTOMERFACING" },
        message_ts: "1800000300.000100",
        response_url: "http://127.0.0.1:9/unused",
      }),
    });
    await h.slack.waitFor((calls) => calls.some((c) => c.method === "views.open"));
    const opened = h.slack.callsOf("views.open").at(-1) as SlackCall;
    const view = opened.args.view as Loose;
    expect(view.callback_id).toBe("feedback_ticket_modal");
    const initial = Object.fromEntries(
      view.blocks.map((b: Loose) => [b.block_id, b.element.initial_value ?? b.element.initial_option?.value]),
    );
    expect(initial).toMatchObject({ customer: "CUS-0000010", category: "delivery", body: text, sentiment: "negative" });

    const values = Object.fromEntries(
      Object.entries(initial).map(([id, value]) => [
        id,
        {
          value:
            id === "customer" || id === "body"
              ? { type: "plain_text_input", value }
              : { type: "static_select", selected_option: { value } },
        },
      ]),
    );
    const submission = interaction({
      type: "view_submission",
      user: { id: "USUPPORT" },
      trigger_id: "trig.submit.1",
      view: {
        id: "VFEEDBACK1",
        callback_id: "feedback_ticket_modal",
        private_metadata: view.private_metadata,
        state: { values },
        hash: "h1",
      },
    });
    expect((await h.send({ form: submission })).status).toBe(200);
    expect((await h.send({ form: submission }, { "x-slack-retry-num": "1" })).status).toBe(200);
    await h.slack.waitFor(() => postsIn(h, "CSUPPORT").length >= 1);
    await h.bot.idle();
    const { rows } = await db.pool.query<{
      id: number;
      body: string;
      confirmation_pending: boolean;
      slack_permalink: string;
    }>(
      "SELECT id::int AS id, body, confirmation_pending, slack_permalink FROM feedback_tickets WHERE idempotency_key = 'slack-view:VFEEDBACK1'",
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.confirmation_pending).toBe(false);
    expect(rows[0]?.slack_permalink).toContain("/archives/CSUPPORT/p1800000300000100");
    expect(rows[0]?.body).toBe(text);
    const confirmations = postsIn(h, "CSUPPORT");
    expect(confirmations).toHaveLength(1);
    expect(confirmations[0]?.args.thread_ts).toBe("1800000300.000100");
    expect(String(confirmations[0]?.args.text)).toContain(`#${rows[0]?.id}`);
  });

  it("retries a ticket confirmation Slack did not take, and reminds the support channel of an untouched P1", async () => {
    const caller = { userId: "USUPPORT", role: "support" as const, canSeePii: true };
    const { invokeTool } = await import("../../tools/run-tool.ts");
    const { rows: top } = await db.pool.query<{ external_id: string }>(
      "SELECT c.external_id FROM customers c JOIN orders o ON o.customer_id = c.id GROUP BY c.external_id ORDER BY sum(o.amount) DESC LIMIT 1",
    );
    const filed = await invokeTool(
      db,
      "log_feedback_ticket",
      {
        customer: top[0]?.external_id,
        source_channel: "phone",
        category: "product_quality",
        sentiment: "negative",
        severity: "critical",
        body: "The heater caught fire.",
        slack_permalink: "https://beacon-test.slack.com/archives/CJOBS/p1800000500000100",
        confirm_in_slack: true,
        idempotency_key: "jobs-test-1",
      },
      { caller, timezone: "Asia/Shanghai", currency: "CNY", now: NOW },
    );
    if (!filed.ok) throw new Error(filed.error);
    const ticketId = (filed.result as Loose).ticket.id as number;
    await db.pool.query("UPDATE feedback_tickets SET updated_at = $2 WHERE id = $1", [
      ticketId,
      new Date(NOW.getTime() - 10 * 3_600_000),
    ]);
    await h.bot.jobs();
    const confirmation = postsIn(h, "CJOBS")[0] as SlackCall;
    expect(confirmation.args.thread_ts).toBe("1800000500.000100");
    expect(String(confirmation.args.text)).toContain(`Ticket #${ticketId} (P1)`);
    const reminder = postsIn(h, "CSUPPORTDESK").find((c) => String(c.args.text).includes(`#${ticketId}`)) as SlackCall;
    expect(String(reminder.args.text)).toMatch(/open P1 untouched for \d+(\.\d)? h/);
    await h.bot.jobs();
    expect(postsIn(h, "CJOBS")).toHaveLength(1);
    expect(postsIn(h, "CSUPPORTDESK").filter((c) => String(c.args.text).includes(`#${ticketId}`))).toHaveLength(1);
  });

  it("👍 stores the rating; 👎 opens a modal and stores the rating with what was wrong", async () => {
    script("Rate me", { text: "Answer to rate." });
    await h.send({ json: eventEnvelope(mention("Rate me", { channel: "CRATE" })) });
    await h.slack.waitFor(() => postsIn(h, "CRATE").length === 1);
    const blocks = postsIn(h, "CRATE")[0]?.args.blocks as Loose[];
    // Answers carry the native feedback_buttons ("up:<run>"); the older rate_up button a run id still works.
    const feedback = blocks.flatMap((b) => b.elements ?? []).find((e: Loose) => e.type === "feedback_buttons");
    const runId = String(feedback.positive_button.value).split(":")[1] as string;
    await h.send({ form: buttonClick("rate_up", runId, { channel: "CRATE" }) });
    await h.slack.waitFor((calls) =>
      calls.some((c) => c.method === "chat.postEphemeral" && c.args.channel === "CRATE"),
    );
    let run = await db.pool.query<{ rating: number; rating_comment: string | null }>(
      "SELECT rating, rating_comment FROM agent_runs WHERE id = $1",
      [runId],
    );
    expect(run.rows[0]?.rating).toBe(1);

    await h.send({ form: buttonClick("rate_down", runId, { channel: "CRATE" }) });
    await h.slack.waitFor((calls) =>
      calls
        .filter((c) => c.method === "views.open")
        .some((c) => (c.args.view as Loose).callback_id === "rating_comment_modal"),
    );
    const modal = h.slack.callsOf("views.open").at(-1)?.args.view as Loose;
    await h.send({
      form: interaction({
        type: "view_submission",
        user: { id: "UMARKETER" },
        view: {
          id: "VRATE1",
          callback_id: "rating_comment_modal",
          private_metadata: modal.private_metadata,
          state: { values: { comment: { value: { type: "plain_text_input", value: "Wrong period" } } } },
        },
      }),
    });
    await h.bot.idle();
    run = await db.pool.query("SELECT rating, rating_comment FROM agent_runs WHERE id = $1", [runId]);
    expect(run.rows[0]).toEqual({ rating: -1, rating_comment: "Wrong period" });
  });

  it("budget buttons: a marketer is refused privately; a manager approves once", async () => {
    // Asked to propose, the model saves the recommendation: only saved proposals get Approve/Reject buttons.
    script(
      "Propose how to split next month's budget",
      { toolCalls: [{ name: "recommend_budget", args: { horizon_weeks: 4, save_proposal: true } }] },
      { text: "Here is a proposal." },
    );
    await db.pool.query(
      "INSERT INTO app_users (slack_user_id, display_name, role) VALUES ('UMGR', 'Mia Manager', 'manager') ON CONFLICT DO NOTHING",
    );
    await h.send({
      json: eventEnvelope(mention("Propose how to split next month's budget", { channel: "CBUDGET", user: "UMGR" })),
    });
    await h.slack.waitFor(() => postsIn(h, "CBUDGET").length === 1, 30_000);
    const blocks = postsIn(h, "CBUDGET")[0]?.args.blocks as Loose[];
    const approve = blocks.flatMap((b) => b.elements ?? []).find((e: Loose) => e.action_id === "budget_approve");
    expect(approve).toBeDefined();
    const proposalId = approve.value as string;

    await h.send({ form: buttonClick("budget_approve", proposalId, { channel: "CBUDGET", user: "UMARKETER" }) });
    await h.slack.waitFor((calls) =>
      calls.some((c) => c.method === "chat.postEphemeral" && c.args.channel === "CBUDGET"),
    );
    const refusal = h.slack.callsOf("chat.postEphemeral").find((c) => c.args.channel === "CBUDGET") as SlackCall;
    expect(refusal.args.user).toBe("UMARKETER");
    expect(String(refusal.args.text)).toContain("Only managers and admins");
    let status = await db.pool.query<{ status: string }>("SELECT status FROM budget_proposals WHERE id = $1", [
      proposalId,
    ]);
    expect(status.rows[0]?.status).toBe("proposed");

    await h.send({ form: buttonClick("budget_approve", proposalId, { channel: "CBUDGET", user: "UMGR" }) });
    await h.slack.waitFor(() => postsIn(h, "CBUDGET").length === 2);
    status = await db.pool.query("SELECT status, decided_by FROM budget_proposals WHERE id = $1", [proposalId]);
    expect(status.rows[0]).toMatchObject({ status: "approved", decided_by: "UMGR" });
    expect(blocksText(postsIn(h, "CBUDGET")[1] as SlackCall)).toContain(`Proposal ${proposalId} approved`);
  });

  it("four deliveries of the same event (Slack retries) give one answer", async () => {
    script("Say it once", { text: "Only once." });
    const envelope = eventEnvelope(mention("Say it once", { channel: "CRETRY" }), "EvRETRY1");
    const first = await h.send({ json: envelope });
    const retries = await Promise.all(
      [1, 2, 3].map((n) =>
        h.send({ json: envelope }, { "x-slack-retry-num": String(n), "x-slack-retry-reason": "http_timeout" }),
      ),
    );
    expect([first, ...retries].map((r) => r.status)).toEqual([200, 200, 200, 200]);
    await h.slack.waitFor(() => postsIn(h, "CRETRY").length === 1);
    await h.bot.idle();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(postsIn(h, "CRETRY")).toHaveLength(1);
    const { rows } = await db.pool.query("SELECT count(*)::int AS n FROM processed_events WHERE event_id = 'EvRETRY1'");
    expect(rows[0]).toEqual({ n: 1 });
  });

  it("bad or stale signatures get 401 and do nothing", async () => {
    const callsBefore = h.slack.calls.length;
    const json = eventEnvelope(mention("sneaky", { channel: "CBAD" }));
    const forged = await sendToBot(h.url, "wrong-secret", { json });
    expect(forged.status).toBe(401);
    const stale = await sendToBot(h.url, SIGNING_SECRET, { json }, {}, Math.floor(Date.now() / 1000) - 600);
    expect(stale.status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(h.slack.calls.length).toBe(callsBefore);
  });

  it("a 429 from chat.postMessage is retried after Retry-After", async () => {
    script("Slow down", { text: "Worth the wait." });
    h.slack.rateLimit("chat.postMessage", 1, 1);
    await h.send({ json: eventEnvelope(mention("Slow down", { channel: "C429" })) });
    await h.slack.waitFor(() => postsIn(h, "C429").length === 1);
    const limited = h.slack.calls.find((c) => c.rateLimited && c.args.channel === "C429") as SlackCall;
    const delivered = postsIn(h, "C429")[0] as SlackCall;
    expect(limited).toBeDefined();
    expect(delivered.at - limited.at).toBeGreaterThanOrEqual(990);
    expect(blocksText(delivered)).toContain("Worth the wait.");
  });

  it("a 300-row result goes out as a CSV file with a preview in the message", async () => {
    script(
      "Daily KPIs by channel, Aug to Oct",
      {
        toolCalls: [
          {
            name: "compute_kpis",
            args: { start: "2026-08-01", end: "2026-10-31", group_by: ["day", "channel"], compare: "none", limit: 300 },
          },
        ],
      },
      { text: "Daily KPIs by channel attached." },
    );
    await h.send({ json: eventEnvelope(mention("Daily KPIs by channel, Aug to Oct", { channel: "CCSV" })) });
    await h.slack.waitFor(() => postsIn(h, "CCSV").length === 1, 30_000);
    await h.bot.idle();
    const text = blocksText(postsIn(h, "CCSV")[0] as SlackCall);
    expect(text).toMatch(/first \d+ of 300 rows, 20 of 21 columns: the full table is attached as a CSV file/);
    const csvRequest = h.slack
      .callsOf("files.getUploadURLExternal")
      .find((c) => String(c.args.filename).endsWith(".csv")) as SlackCall;
    expect(csvRequest).toBeDefined();
    const csvFiles = h.slack.callsOf("files.completeUploadExternal").filter((c) => c.args.channel_id === "CCSV");
    const csvId = ((csvFiles[0] as SlackCall).args.files as Loose)[0].id as string;
    const csv = (h.slack.uploads.get(csvId) as Buffer).toString("utf8");
    expect(csv.trim().split("\r\n")).toHaveLength(301);
    expect(csv.split("\r\n")[0]).toContain("day,channel");
  });

  it("a model error becomes a friendly failure message in the thread", async () => {
    script("Will this fail?", { status: 500, message: "upstream exploded" });
    await h.send({ json: eventEnvelope(mention("Will this fail?", { channel: "CFAIL", ts: "1800000400.000100" })) });
    await h.slack.waitFor(() => postsIn(h, "CFAIL").length === 1);
    const post = postsIn(h, "CFAIL")[0] as SlackCall;
    expect(post.args.thread_ts).toBe("1800000400.000100");
    expect(blocksText(post)).toContain("language model is not reachable");
    expect(blocksText(post)).not.toContain("upstream exploded");
  });

  it("a wrong API key: the thread gets the short auth sentence, without the endpoint or the SDK's message", async () => {
    script("Is my key right?", { status: 401, code: "invalid_api_key", message: "Incorrect API key provided" });
    await h.send({ json: eventEnvelope(mention("Is my key right?", { channel: "CKEY", ts: "1800000500.000100" })) });
    await h.slack.waitFor(() => postsIn(h, "CKEY").length === 1);
    const text = blocksText(postsIn(h, "CKEY")[0] as SlackCall);
    expect(text).toContain("The language model refused Beacon's API key");
    expect(text).not.toContain("Incorrect API key provided");
    expect(text).not.toContain("OPENAI_BASE_URL");
  });
});
