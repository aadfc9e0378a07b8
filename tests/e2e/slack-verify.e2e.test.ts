// "Mark as verified" end to end (issue 25): the real Bolt app, the fake Slack Web API and the fake OpenAI server.
// A marketer's click is refused; a manager's stores the answer; the next matching question is a verified answer.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../db/pool.ts";
import { generateDemo } from "../../derived/demo.ts";
import { testEngines } from "../helpers/databases.ts";
import type { SlackCall } from "./fake-slack-server.ts";
import { type Harness, startHarness } from "./harness.ts";
import { buttonClick, eventEnvelope, mention } from "./slack-payloads.ts";

// biome-ignore lint/suspicious/noExplicitAny: Slack payloads are checked field by field.
type Loose = any;
const NOW = new Date("2026-11-20T04:00:00Z");
const october = { start: "2026-10-01", end: "2026-10-31" };

describe.each(testEngines())("Mark as verified on $name", (engine) => {
  let db: Database;
  let h: Harness;
  const posts = (channel: string) => h.slack.callsOf("chat.postMessage").filter((c) => c.args.channel === channel);
  const ephemerals = (user: string) => h.slack.callsOf("chat.postEphemeral").filter((c) => c.args.user === user);

  beforeAll(async () => {
    db = await engine.open();
    await generateDemo(db, { customers: 200, seed: 3, endDate: "2026-11-19", months: 3 });
    await db.pool.query(
      "INSERT INTO app_users (slack_user_id, display_name, role) VALUES ('UMGR', 'Mia Manager', 'manager') ON CONFLICT DO NOTHING",
    );
    h = await startHarness(db, { now: NOW });
  }, 120_000);
  afterAll(async () => {
    await h?.close();
    await db?.close();
  });

  it("shows the button, refuses a marketer, verifies for a manager, then answers a match as verified", async () => {
    h.openai.enqueue({ toolCalls: [{ name: "compute_kpis", args: october }] }, { text: "October revenue is in." });
    await h.send({ json: eventEnvelope(mention("What was revenue in October?", { channel: "CVERIFY" })) });
    await h.slack.waitFor(() => posts("CVERIFY").length === 1);
    const blocks = posts("CVERIFY")[0]?.args.blocks as Loose[];
    const button = blocks.flatMap((b) => b.elements ?? []).find((e: Loose) => e.action_id === "answer_verify");
    expect(button.text.text).toBe("Mark as verified");
    const runId = String(button.value);

    await h.send({ form: buttonClick("answer_verify", runId, { channel: "CVERIFY", user: "UMARKETER" }) });
    await h.slack.waitFor(() => ephemerals("UMARKETER").length === 1);
    expect(String(ephemerals("UMARKETER")[0]?.args.text)).toContain("Only managers and admins");
    expect((await db.pool.query("SELECT 1 FROM verified_answers")).rows).toHaveLength(0);

    await h.send({ form: buttonClick("answer_verify", runId, { channel: "CVERIFY", user: "UMGR" }) });
    await h.slack.waitFor(() => ephemerals("UMGR").length === 1);
    expect(String(ephemerals("UMGR")[0]?.args.text)).toMatch(/Verified \(#\d+\).*compute_kpis/);
    const stored = await db.pool.query("SELECT run_id, verified_by, tool_calls FROM verified_answers");
    expect(stored.rows).toHaveLength(1);
    expect(String(stored.rows[0]?.run_id)).toBe(runId);
    expect(stored.rows[0]?.verified_by).toBe("UMGR");
    expect(stored.rows[0]?.tool_calls).toEqual([{ tool: "compute_kpis", args: october }]);

    h.openai.enqueue({ text: "October revenue, re-run." });
    await h.send({ json: eventEnvelope(mention("what was revenue in october", { channel: "CVERIFY2" })) });
    await h.slack.waitFor(() => posts("CVERIFY2").length === 1);
    const text = JSON.stringify((posts("CVERIFY2")[0] as SlackCall).args.blocks);
    expect(text).toMatch(
      /✅ Verified answer \(verified by UMGR on \d{4}-\d\d-\d\d; re-run on data up to 2026-11-1\d\)/,
    );
    expect(text).toContain("October revenue, re-run.");
  }, 200_000);
});
