// End to end: personal data is masked for who reads the answer. A support user's question in a channel is answered
// with masked phones and e-mails (everyone in the channel reads it); the same question in a DM shows them in full;
// a marketer sees them masked even in a DM. The fake model quotes the ticket and contact from the tool result, as
// a real model would, so what reaches Slack is exactly what the tool let through.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../db/pool.ts";
import { generateDemo } from "../../derived/demo.ts";
import { invokeTool } from "../../tools/run-tool.ts";
import type { RecordedRequest, ScriptedReply } from "../fakes/fake-openai-server.ts";
import { testEngines } from "../helpers/databases.ts";
import type { SlackCall } from "./fake-slack-server.ts";
import { type Harness, startHarness } from "./harness.ts";
import { eventEnvelope, mention } from "./slack-payloads.ts";

const NOW = new Date("2026-11-20T04:00:00Z");
// Written by the customer: a dotted phone, a full-width one and an obfuscated e-mail.
const BODY = "Parcel broken. Call me on 138.0013.8000 or １３９１１１１２２２２, or mail xiaoming.wang＠example.com";

const textOf = (call: SlackCall) => JSON.stringify(call.args.blocks ?? "") + String(call.args.text ?? "");
const contentOf = (request: RecordedRequest) => request.body.messages.map((m) => String(m.content ?? "")).join("\n");
/** The string value of `"key": "..."` in the tool result the model was given. */
function field(content: string, key: string): string {
  const match = new RegExp(`"${key}":\\s*"((?:[^"\\\\]|\\\\.)*)"`).exec(content);
  return match ? (JSON.parse(`"${match[1]}"`) as string) : `(no ${key})`;
}

/** The model: first asks get_ticket, then quotes the ticket body and the customer's contact from the result. */
function model(ticketId: number) {
  return (request: RecordedRequest): ScriptedReply => {
    const content = contentOf(request);
    if (!content.includes('<data source="get_ticket"'))
      return { toolCalls: [{ name: "get_ticket", args: { ticket_id: ticketId } }] };
    const data = content.slice(content.lastIndexOf('<data source="get_ticket"'));
    return {
      text: `The customer wrote: "${field(data, "untrusted_body")}". Contact: ${field(data, "phone")}, ${field(data, "email")}.`,
    };
  };
}

describe.each(testEngines())("personal data masked for the answer's audience on $name", (engine) => {
  let db: Database;
  let h: Harness;
  let contact: { phone: string; email: string };
  let ticketId: number;

  beforeAll(async () => {
    db = await engine.open();
    await generateDemo(db, { customers: 300, seed: 11, endDate: "2026-11-19", months: 2 });
    await db.pool.query(
      `INSERT INTO app_users (slack_user_id, display_name, role) VALUES
         ('USUPPII', 'Sam Support', 'support'), ('UMKTPII', 'Mo Marketer', 'marketer')`,
    );
    const { rows } = await db.pool.query<{ external_id: string; phone: string; email: string }>(
      "SELECT external_id, phone, email FROM customers WHERE phone IS NOT NULL AND email IS NOT NULL ORDER BY id LIMIT 1",
    );
    const customer = rows[0];
    if (!customer) throw new Error("the demo has no customer with a phone and an e-mail");
    contact = customer;
    const filed = await invokeTool(
      db,
      "log_feedback_ticket",
      {
        customer: customer.external_id,
        source_channel: "chat",
        category: "delivery",
        sentiment: "negative",
        severity: "high",
        body: BODY,
        idempotency_key: "pii-audience-1",
      },
      {
        caller: { userId: "USUPPII", role: "support", canSeePii: true },
        timezone: "Asia/Shanghai",
        currency: "CNY",
        now: NOW,
      },
    );
    if (!filed.ok) throw new Error(filed.error);
    ticketId = (filed.result as { ticket: { id: number } }).ticket.id;
    h = await startHarness(db, { now: NOW });
    h.openai.respondWith(model(ticketId));
  });
  afterAll(async () => {
    await h?.close();
    await db?.close();
  });

  async function answerIn(channel: string, post: () => Promise<unknown>): Promise<string> {
    const before = h.slack.callsOf("chat.postMessage").filter((c) => c.args.channel === channel).length;
    await post();
    await h.slack.waitFor(
      () => h.slack.callsOf("chat.postMessage").filter((c) => c.args.channel === channel).length > before,
    );
    const answer = h.slack.callsOf("chat.postMessage").filter((c) => c.args.channel === channel)[before];
    return textOf(answer as SlackCall);
  }
  const dm = (user: string, channel: string, text: string) =>
    answerIn(channel, () =>
      h.send({
        json: eventEnvelope({
          type: "message",
          channel_type: "im",
          channel,
          user,
          text,
          ts: `${1_800_001_000 + Math.floor(Math.random() * 1000)}.000100`,
          event_ts: "1800001000.000100",
        }),
      }),
    );

  function expectMasked(text: string): void {
    expect(text).toContain("86•••••••8000");
    expect(text).toContain("86•••••••2222");
    expect(text).toContain("x•••@example.com");
    for (const secret of ["138.0013.8000", "１３９１１１１２２２２", "xiaoming.wang", contact.phone, contact.email])
      expect(text).not.toContain(secret);
    expect(text).not.toMatch(/\d\*/);
  }

  it("a support user asking in a channel gets phones and e-mails masked", async () => {
    const text = await answerIn("CPIISHARED", () =>
      h.send({
        json: eventEnvelope(mention(`What does ticket #${ticketId} say?`, { channel: "CPIISHARED", user: "USUPPII" })),
      }),
    );
    expectMasked(text);
    // The model was told why, so it does not present the masked values as real ones.
    expect(contentOf(h.openai.requests.at(-1) as RecordedRequest)).toContain("posted in a shared channel");
  });

  it("the same support user in a DM sees them in full", async () => {
    const text = await dm("USUPPII", "DSUPPII", `What does ticket #${ticketId} say?`);
    expect(text).toContain("138.0013.8000");
    expect(text).toContain("１３９１１１１２２２２");
    expect(text).toContain("xiaoming.wang＠example.com");
    expect(text).toContain(contact.phone);
    expect(text).toContain(contact.email);
  });

  it("a marketer sees them masked even in a DM", async () => {
    const text = await dm("UMKTPII", "DMKTPII", `What does ticket #${ticketId} say?`);
    expectMasked(text);
    expect(contentOf(h.openai.requests.at(-1) as RecordedRequest)).toContain("masked for the marketer role");
  });
});
