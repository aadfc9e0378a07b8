// End to end through the fake Slack server, which refuses oversize blocks as Slack does: a 13k-character
// query_database table still arrives, refused blocks are retried once as plain text, a reply the model garbled is
// a clear message and not "(no answer text)", and the audit row says so when Slack never took the answer.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../db/pool.ts";
import { generateDemo } from "../../derived/demo.ts";
import type { RecordedRequest, ScriptedReply } from "../fakes/fake-openai-server.ts";
import { testEngines } from "../helpers/databases.ts";
import type { SlackCall } from "./fake-slack-server.ts";
import { type Harness, startHarness } from "./harness.ts";
import { eventEnvelope, mention } from "./slack-payloads.ts";

const NOW = new Date("2026-11-20T04:00:00Z");
// biome-ignore lint/suspicious/noExplicitAny: Slack payloads are checked field by field.
type Loose = any;

const scripts = new Map<string, ScriptedReply[]>();
function script(question: string, ...replies: ScriptedReply[]): void {
  scripts.set(question, replies);
}
function scriptedReply(request: RecordedRequest): ScriptedReply {
  const users = request.body.messages.filter((m) => m.role === "user").map((m) => JSON.stringify(m.content));
  const all = users.join(" ");
  for (const [question, replies] of scripts) {
    if (all.includes(JSON.stringify(question).slice(1, -1)) && replies.length > 0)
      return replies.shift() as ScriptedReply;
  }
  return { status: 500, message: "unscripted question" };
}

/** Every chat.postMessage to `channel`, including the ones the fake refused. */
const postsIn = (h: Harness, channel: string) =>
  h.slack.calls.filter((c) => c.method === "chat.postMessage" && c.args.channel === channel);
const sections = (call: SlackCall) =>
  ((call.args.blocks ?? []) as Loose[]).filter((b) => b.type === "section").map((b) => String(b.text.text));

async function auditOf(db: Database, question: string) {
  const { rows } = await db.pool.query<{ outcome: string; failure_code: string | null; answer: string }>(
    "SELECT outcome, failure_code, answer FROM agent_runs WHERE question = $1 ORDER BY id DESC LIMIT 1",
    [question],
  );
  return rows[0];
}

// Each campaign's name 40 times joined by " <&> ": every row is ~900 characters, ~1,300 once escaped.
const WIDE_SQL = `SELECT id, name, concat_ws(' <&> ', ${Array(40).fill("name").join(", ")}) AS note FROM reporting.campaigns ORDER BY id LIMIT 20`;

describe.each(testEngines())("Slack limits end to end on $name", (engine) => {
  let db: Database;
  let h: Harness;

  beforeAll(async () => {
    db = await engine.open();
    await generateDemo(db, { customers: 1500, seed: 7, endDate: "2026-11-19", months: 6 });
    h = await startHarness(db, { now: NOW, channelGapMs: 20 });
    h.openai.respondWith(scriptedReply);
  });
  afterAll(async () => {
    await h?.close();
    await db?.close();
  });

  it("a 13k-character query_database table arrives: a preview within 3,000 characters, the full table as CSV", async () => {
    const question = "Campaign notes, all of them?";
    script(
      question,
      { toolCalls: [{ name: "query_database", args: { sql: WIDE_SQL, purpose: "campaign notes" } }] },
      { text: "Here are the notes for 20 campaigns <&>." },
    );
    await h.send({ json: eventEnvelope(mention(question, { channel: "CWIDE", ts: "1800000500.000100" })) });
    await h.slack.waitFor(() => postsIn(h, "CWIDE").length >= 1);
    await h.bot.idle();
    const posts = postsIn(h, "CWIDE");
    // Slack (the fake) took every message, with blocks: no refusal, no fallback needed.
    expect(posts.map((p) => [p.response?.ok, p.args.blocks !== undefined])).toEqual(posts.map(() => [true, true]));
    const all = posts.flatMap(sections);
    for (const text of all) expect(text.length).toBeLessThanOrEqual(3000);
    const table = all.find((t) => t.startsWith("*query_database*")) as string;
    expect(table).toMatch(/first \d+ of 20 rows: the full table is attached as a CSV file/);
    // The rows themselves are a native table block: raw_text cells are shown verbatim, never parsed as mrkdwn.
    const cells = posts
      .flatMap((p) => (p.args.blocks as Loose[]).filter((b) => b.type === "table"))
      .flatMap((b) => b.rows.flat());
    expect(cells.some((c: Loose) => String(c.text).includes(" <&> "))).toBe(true);
    expect(all.join("\n")).toContain("Here are the notes for 20 campaigns &lt;&amp;&gt;.");

    const upload = h.slack
      .callsOf("files.completeUploadExternal")
      .find((c) => c.args.channel_id === "CWIDE" && JSON.stringify(c.args.files).includes("query_database")) as Loose;
    expect(upload.args.thread_ts).toBe("1800000500.000100");
    const csv = (h.slack.uploads.get(upload.args.files[0].id) as Buffer).toString("utf8");
    expect(csv.trim().split("\r\n")).toHaveLength(21);
    expect(csv).toContain(" <&> ");
    // The table the report described: over 13,000 characters, four times a section's limit.
    expect(csv.length).toBeGreaterThan(13_000);
    expect((await auditOf(db, question))?.outcome).toBe("ok");
  });

  it("blocks Slack refuses (invalid_blocks) are sent once more as plain text, escaped", async () => {
    const question = "Short summary please?";
    script(question, { text: "**Revenue** rose; <!channel> see <https://evil.example|bank> & more." });
    h.slack.rejectBlocks(1);
    await h.send({ json: eventEnvelope(mention(question, { channel: "CREFUSE", ts: "1800000600.000100" })) });
    await h.slack.waitFor(() => postsIn(h, "CREFUSE").length >= 2);
    await h.bot.idle();
    const [refused, retry, ...rest] = postsIn(h, "CREFUSE") as SlackCall[];
    expect(rest).toHaveLength(0);
    expect(refused?.response).toMatchObject({ ok: false, error: "invalid_blocks" });
    expect(retry?.args.blocks).toBeUndefined();
    expect(retry?.response?.ok).toBe(true);
    expect(retry?.args.thread_ts).toBe("1800000600.000100");
    const text = String(retry?.args.text);
    expect(text).toContain("*Revenue* rose");
    expect(text).toContain("&lt;!channel&gt;");
    expect(text).not.toContain("<https://");
    // Delivered (as text): the run stays as it was.
    expect((await auditOf(db, question))?.outcome).toBe("ok");
  });

  it("tool-call JSON the model garbles twice: a clear message, audited as an error, never '(no answer text)'", async () => {
    const question = "Revenue by garbled channel?";
    script(
      question,
      { toolCalls: [{ name: "compute_kpis", args: '{"start": "2026-10-01", "end": ' }] },
      { toolCalls: [{ name: "compute_kpis", args: '{"start": "2026-10-01", ' }] },
    );
    await h.send({ json: eventEnvelope(mention(question, { channel: "CGARBLED", ts: "1800000700.000100" })) });
    await h.slack.waitFor(() => postsIn(h, "CGARBLED").length >= 1);
    await h.bot.idle();
    const post = postsIn(h, "CGARBLED")[0] as SlackCall;
    const shown = JSON.stringify(post.args.blocks) + String(post.args.text);
    expect(shown).not.toContain("(no answer text)");
    expect(shown).toContain("could not be read (its tool call was not valid JSON)");
    const audit = await auditOf(db, question);
    expect(audit?.outcome).toBe("error");
    expect(audit?.failure_code).toBe("internal");
  });

  // Last: the fake's failWith cannot be undone for the rest of the file.
  it("Slack down (every post fails): the audit row says the delivery failed, with Slack's error", async () => {
    const question = "Anything while Slack is down?";
    script(question, { text: "An answer nobody will see." });
    h.slack.failWith("chat.postMessage", "service_unavailable");
    await h.send({ json: eventEnvelope(mention(question, { channel: "CDOWN", ts: "1800000800.000100" })) });
    await h.slack.waitFor(() => postsIn(h, "CDOWN").length >= 2);
    await h.bot.idle();
    // The answer, then the failure notice: both refused; no plain-text retry for an outage (it is not the blocks).
    expect(postsIn(h, "CDOWN").map((p) => p.response?.error)).toEqual(["service_unavailable", "service_unavailable"]);
    const audit = await auditOf(db, question);
    expect(audit?.outcome).toBe("delivery_failed");
    expect(audit?.failure_code).toBe("service_unavailable");
    expect(audit?.answer).toBe("An answer nobody will see.");
  });
});
