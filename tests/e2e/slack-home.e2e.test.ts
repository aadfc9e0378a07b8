// The App Home tab end to end: the real Bolt app over HTTP, the fake Slack Web API recording views.publish, and the
// numbers on the tab checked against bare SQL on the seeded demo. Both engines when TEST_DATABASE_URL is set.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../db/pool.ts";
import { generateDemo } from "../../derived/demo.ts";
import { formatCount, formatMoney } from "../../tools/number-format.ts";
import { invokeTool } from "../../tools/run-tool.ts";
import { testEngines } from "../helpers/databases.ts";
import type { SlackCall } from "./fake-slack-server.ts";
import { type Harness, startHarness } from "./harness.ts";
import { eventEnvelope, interaction } from "./slack-payloads.ts";

const NOW = new Date("2026-11-20T04:00:00Z");
const TZ = "Asia/Shanghai";
// The demo's users (db/demo/tickets.ts).
const MANAGER = "U0DEMOMGR";
const SUPPORT = "U0DEMOSUP";
const MARKETER = "U0DEMOMKT";
const QUESTION = "How did each channel do in the last 7 days compared with the week before?";
// biome-ignore lint/suspicious/noExplicitAny: Slack payloads are checked field by field.
type Loose = any;

const homeOpened = (user: string, tab = "home") =>
  eventEnvelope({ type: "app_home_opened", user, channel: `D${user}`, tab, event_ts: "1800000000.000100" });
const published = (h: Harness, user: string) =>
  h.slack.callsOf("views.publish").filter((c) => c.args.user_id === user && c.response?.ok === true);
/** Published views with the week's numbers (the first open of a process publishes a "computing" view before). */
const full = (h: Harness, user: string) =>
  published(h, user).filter((c) => viewOf(c).blocks.some((b) => Array.isArray(b.fields)));
const viewOf = (call: SlackCall | undefined) => call?.args.view as { type: string; blocks: Loose[] };
const text = (call: SlackCall | undefined) => JSON.stringify(viewOf(call)?.blocks ?? []);
const elements = (call: SlackCall | undefined) => (viewOf(call)?.blocks ?? []).flatMap((b) => b.elements ?? []);
const kpiFields = (call: SlackCall | undefined) =>
  (viewOf(call)?.blocks.find((b) => Array.isArray(b.fields))?.fields ?? []).map((f: Loose) => String(f.text));

/** The 7 complete days before NOW and the 7 before those, summed straight from the tables. */
async function sqlKpis(db: Database, start: string, end: string) {
  const { rows } = await db.pool.query<{ revenue: number; orders: number; spend: number; new_customers: number }>(
    `SELECT (SELECT coalesce(sum(amount), 0)::float8 FROM orders
              WHERE ordered_at >= ($1::date)::timestamp AT TIME ZONE $3 AND ordered_at < ($2::date + 1)::timestamp AT TIME ZONE $3) AS revenue,
            (SELECT count(*)::int FROM orders
              WHERE ordered_at >= ($1::date)::timestamp AT TIME ZONE $3 AND ordered_at < ($2::date + 1)::timestamp AT TIME ZONE $3) AS orders,
            (SELECT coalesce(sum(spend), 0)::float8 FROM ad_spend_daily WHERE day BETWEEN $1::date AND $2::date) AS spend,
            (SELECT count(*)::int FROM (SELECT min(ordered_at) AS first FROM orders GROUP BY customer_id) f
              WHERE first >= ($1::date)::timestamp AT TIME ZONE $3 AND first < ($2::date + 1)::timestamp AT TIME ZONE $3) AS new_customers`,
    [start, end, TZ],
  );
  return rows[0] as { revenue: number; orders: number; spend: number; new_customers: number };
}

describe.each(testEngines())("Slack Home tab end to end on $name", (engine) => {
  let db: Database;
  let h: Harness;
  let proposalId: number;

  beforeAll(async () => {
    db = await engine.open();
    await generateDemo(db, { customers: 1500, seed: 7, endDate: "2026-11-19", months: 6 });
    const manager = { userId: MANAGER, role: "manager" as const, canSeePii: false };
    const saved = await invokeTool(
      db,
      "recommend_budget",
      { horizon_weeks: 4, save_proposal: true },
      { caller: manager, timezone: TZ, currency: "CNY", now: NOW },
    );
    if (!saved.ok) throw new Error(saved.error);
    proposalId = (saved.result as Loose).proposal_id;
    // Proposed an hour before the fake clock's now (the row's created_at is the real clock's).
    await db.pool.query("UPDATE budget_proposals SET created_at = $2 WHERE id = $1", [
      proposalId,
      new Date(NOW.getTime() - 3_600_000),
    ]);
    h = await startHarness(db, { now: NOW });
    h.openai.respondWith((request) => {
      const last = JSON.stringify(request.body.messages.filter((m) => m.role === "user").at(-1)?.content ?? "");
      return last.includes("each channel do in the last 7 days")
        ? { text: "Channels held steady week on week." }
        : { status: 500, message: `unscripted: ${last.slice(0, 60)}` };
    });
  }, 120_000);
  afterAll(async () => {
    await h?.close();
    await db?.close();
  });

  it("a manager's tab: the week's KPIs equal bare SQL, open proposals with buttons, questions, then the chart", async () => {
    expect((await h.send({ json: homeOpened(MANAGER) })).status).toBe(200);
    await h.slack.waitFor(() => full(h, MANAGER).length === 1);
    // Nothing computed yet in this process: a "computing" view first, then the numbers.
    expect(text(published(h, MANAGER)[0])).toContain("Computing the last 7 days");
    const first = full(h, MANAGER)[0];
    expect(viewOf(first).type).toBe("home");
    const now = await sqlKpis(db, "2026-11-13", "2026-11-19");
    const before = await sqlKpis(db, "2026-11-06", "2026-11-12");
    const fields = kpiFields(first);
    expect(fields).toHaveLength(6);
    const field = (label: string) => fields.find((f: string) => f.startsWith(`*${label}*`)) as string;
    expect(field("Revenue")).toContain(formatMoney(now.revenue, "CNY"));
    expect(field("Revenue")).toContain(`from ${formatMoney(before.revenue, "CNY")}`);
    expect(field("Spend")).toContain(formatMoney(now.spend, "CNY"));
    expect(field("Orders")).toContain(formatCount(now.orders));
    expect(field("New customers")).toContain(formatCount(now.new_customers));
    const revenueChange = ((now.revenue - before.revenue) / before.revenue) * 100;
    expect(field("Revenue")).toContain(`${revenueChange > 0 ? "▲ +" : "▼ −"}${Math.abs(revenueChange).toFixed(1)}%`);
    expect(field("ROAS")).toContain((now.revenue / now.spend).toFixed(2));
    expect(field("CAC (paid)")).toContain(formatMoney(now.spend / now.new_customers, "CNY"));
    expect(text(first)).toContain("2026-11-13 – 2026-11-19");
    expect(text(first)).toContain("Open budget proposals (1)");
    const approve = elements(first).find((e: Loose) => e.action_id === "budget_approve");
    expect(approve?.value).toBe(String(proposalId));
    expect(elements(first).some((e: Loose) => e.action_id === "budget_adjust")).toBe(true);
    expect(elements(first).some((e: Loose) => e.action_id === "budget_reject")).toBe(true);
    expect(elements(first).filter((e: Loose) => String(e.action_id).startsWith("home_ask_")).length).toBeGreaterThan(2);
    expect(text(first)).not.toContain("Your tickets");
    // No chart uploaded yet: a text sparkline of the 8 weeks' daily revenue, then the chart follows.
    expect(text(first)).toMatch(/Daily revenue 2026-09-25 – 2026-11-19/);
    expect(viewOf(first).blocks.some((b) => b.type === "image")).toBe(false);

    await h.bot.idle();
    const upload = h.slack.callsOf("files.completeUploadExternal").at(-1) as SlackCall;
    expect(upload.args.channel_id).toBeUndefined();
    const fileId = (upload.args.files as Loose)[0].id as string;
    expect(h.slack.uploads.get(fileId)?.subarray(1, 4).toString()).toBe("PNG");
    const withChart = published(h, MANAGER).at(-1);
    expect(published(h, MANAGER)).toHaveLength(3);
    const image = viewOf(withChart).blocks.find((b) => b.type === "image");
    expect(image.slack_file).toEqual({ id: fileId });
    expect(image.alt_text).toContain("Daily revenue");
  });

  it("a support user's tab: their open and overdue tickets (bare SQL counts), no proposals, the chart reused", async () => {
    await h.send({ json: homeOpened(SUPPORT) });
    await h.slack.waitFor(() => published(h, SUPPORT).length === 1);
    await h.bot.idle();
    const view = published(h, SUPPORT)[0];
    expect(published(h, SUPPORT)).toHaveLength(1);
    const { rows } = await db.pool.query<{ open: number; p1: number; first: number }>(
      `SELECT count(*)::int AS open,
              count(*) FILTER (WHERE priority = 'P1')::int AS p1,
              (SELECT id::int FROM feedback_tickets WHERE assignee = $1 AND status IN ('new','triaged','in_progress')
                ORDER BY priority, created_at DESC, id DESC LIMIT 1) AS first
       FROM feedback_tickets WHERE assignee = $1 AND status IN ('new','triaged','in_progress')`,
      [SUPPORT],
    );
    const open = rows[0] as { open: number; first: number };
    expect(open.open).toBeGreaterThan(0);
    expect(text(view)).toContain("Your tickets");
    expect(text(view)).toContain(`*Open (assigned to you): ${formatCount(open.open)}*`);
    expect(text(view)).toContain(`*#${open.first}*`);
    expect(text(view)).toMatch(/Needing attention \(assigned to you\): \d+/);
    expect(text(view)).toContain("Team-wide:");
    expect(text(view)).not.toContain("Open budget proposals");
    expect(elements(view).some((e: Loose) => e.action_id === "budget_approve")).toBe(false);
    // The same 8 weeks were charted for the manager: the file is reused, not uploaded again.
    expect(viewOf(view).blocks.some((b) => b.type === "image")).toBe(true);
    expect(h.slack.callsOf("files.completeUploadExternal")).toHaveLength(1);
  });

  it("a marketer's tab: KPIs and questions only; a second open within the minute publishes nothing", async () => {
    await h.send({ json: homeOpened(MARKETER) });
    await h.slack.waitFor(() => published(h, MARKETER).length === 1);
    const view = published(h, MARKETER)[0];
    expect(kpiFields(view)).toHaveLength(6);
    expect(text(view)).not.toContain("Open budget proposals");
    expect(text(view)).not.toContain("tickets");
    expect(text(view)).toContain("Ask Beacon");

    await h.send({ json: homeOpened(MARKETER) });
    await h.send({ json: homeOpened(MARKETER, "messages") });
    await h.bot.idle();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(published(h, MARKETER)).toHaveLength(1);
  });

  it("after a minute (fake clock, another process) the tab is published again; racing processes publish once", async () => {
    const later = await startHarness(db, { now: new Date(NOW.getTime() + 61_000) });
    const rival = await startHarness(db, { now: new Date(NOW.getTime() + 61_000) });
    try {
      await later.send({ json: homeOpened(MARKETER) });
      await later.slack.waitFor(() => published(later, MARKETER).length === 1);
      await later.bot.idle();
      expect(published(later, MARKETER)).toHaveLength(1);

      // A user nobody has seen, opened in two processes at once: one claim wins.
      await Promise.all([later.send({ json: homeOpened("UNEWCOMER") }), rival.send({ json: homeOpened("UNEWCOMER") })]);
      // The open is acknowledged before its work starts: wait for a publish, then for both processes to finish.
      const newcomerViews = () => published(later, "UNEWCOMER").length + published(rival, "UNEWCOMER").length;
      await later.slack.waitFor(() => newcomerViews() >= 1);
      await later.bot.idle();
      await rival.bot.idle();
      expect(newcomerViews()).toBe(1);
      const { rows } = await db.pool.query("SELECT publishes FROM home_views WHERE user_id = 'UNEWCOMER'");
      expect(rows).toEqual([{ publishes: 1 }]);
    } finally {
      await later.close();
      await rival.close();
    }
  });

  it("Approve on the Home tab decides the proposal, answers in the DM and re-publishes the tab at once", async () => {
    const before = published(h, MANAGER).length;
    await h.send({
      form: interaction({
        type: "block_actions",
        user: { id: MANAGER },
        container: { type: "view", view_id: "VHOME1" },
        view: { id: "VHOME1", type: "home", blocks: [], state: { values: {} }, hash: "h" },
        trigger_id: `trig.home.${Date.now()}`,
        actions: [
          {
            type: "button",
            action_id: "budget_approve",
            block_id: `home_budget_${proposalId}`,
            value: String(proposalId),
            action_ts: "1",
          },
        ],
      }),
    });
    await h.slack.waitFor(() => published(h, MANAGER).length === before + 1);
    await h.bot.idle();
    const { rows } = await db.pool.query("SELECT status, decided_by FROM budget_proposals WHERE id = $1", [proposalId]);
    expect(rows[0]).toEqual({ status: "approved", decided_by: MANAGER });
    const dm = h.slack.callsOf("chat.postMessage").filter((c) => c.args.channel === MANAGER);
    expect(JSON.stringify(dm.at(-1)?.args.blocks)).toContain(`Proposal ${proposalId} approved`);
    const after = published(h, MANAGER).at(-1);
    expect(text(after)).toContain("Open budget proposals (0)");
    expect(elements(after).some((e: Loose) => e.action_id === "budget_approve")).toBe(false);
    expect(h.slack.callsOf("chat.postEphemeral").filter((c) => c.args.user === MANAGER)).toHaveLength(0);
  });

  it("Adjust on the Home tab opens the modal; its submission revises the proposal and re-publishes the tab", async () => {
    // The revision is stamped by the database's clock, so this bot runs on the real clock too (no fake "now").
    const live = await startHarness(db);
    try {
      const manager = { userId: MANAGER, role: "manager" as const, canSeePii: false };
      const saved = await invokeTool(
        db,
        "recommend_budget",
        { horizon_weeks: 4, save_proposal: true },
        { caller: manager, timezone: TZ, currency: "CNY", now: NOW },
      );
      if (!saved.ok) throw new Error(saved.error);
      const id = (saved.result as Loose).proposal_id as number;
      await live.send({ form: homeClick(MANAGER, "budget_adjust", String(id), `home_budget_${id}`) });
      await live.slack.waitFor((calls) =>
        calls.some((c) => c.method === "views.open" && (c.args.view as Loose).callback_id === "budget_adjust_modal"),
      );
      const modal = live.slack.callsOf("views.open").at(-1)?.args.view as Loose;
      const before = full(live, MANAGER).length;
      await live.send({
        form: interaction({
          type: "view_submission",
          user: { id: MANAGER },
          view: {
            id: `VADJUST${id}`,
            callback_id: "budget_adjust_modal",
            private_metadata: modal.private_metadata,
            state: { values: { max_change_pct: { value: { type: "number_input", value: "10" } } } },
          },
        }),
      });
      await live.slack.waitFor(() => full(live, MANAGER).length === before + 1, 30_000);
      await live.bot.idle();
      const { rows } = await db.pool.query<{ id: number; status: string }>(
        "SELECT id::int AS id, status FROM budget_proposals WHERE id = $1 OR revises_id = $1 ORDER BY id",
        [id],
      );
      expect(rows.map((r) => r.status)).toEqual(["superseded", "proposed"]);
      const revised = rows[1]?.id as number;
      const after = full(live, MANAGER).at(-1);
      const approvals = elements(after).filter((e: Loose) => e.action_id === "budget_approve");
      expect(approvals.map((e: Loose) => e.value)).toContain(String(revised));
      expect(approvals.map((e: Loose) => e.value)).not.toContain(String(id));
      const dm = live.slack.callsOf("chat.postMessage").filter((c) => c.args.channel === MANAGER);
      expect(JSON.stringify(dm.at(-1)?.args.blocks)).toContain(`Approve #${revised}`);
    } finally {
      await live.close();
    }
  }, 180_000);

  it("a one-click question is asked in the user's DM and answered by the analyst in its thread", async () => {
    const view = published(h, MARKETER)[0];
    const button = elements(view).find((e: Loose) => e.value === "channels_7d");
    await h.send({ form: homeClick(MARKETER, button.action_id, button.value) });
    await h.slack.waitFor(() => h.slack.callsOf("chat.postMessage").some((c) => c.args.channel === "D0DEMOMKT"));
    const header = h.slack.callsOf("chat.postMessage").find((c) => c.args.channel === MARKETER) as SlackCall;
    expect(String(header.args.text)).toContain(`asked from the Home tab: ${QUESTION}`);
    const answer = h.slack.callsOf("chat.postMessage").find((c) => c.args.channel === "D0DEMOMKT") as SlackCall;
    expect(answer.args.thread_ts).toBe(header.response?.ts);
    expect(JSON.stringify(answer.args.blocks)).toContain("Channels held steady week on week.");
  });

  it("without a model the question runs its tool and posts the numbers", async () => {
    const offline = await startHarness(db, { llm: false, now: NOW });
    try {
      await offline.send({ form: homeClick(MARKETER, "home_ask_0", "channels_7d") });
      await offline.slack.waitFor(() =>
        offline.slack.callsOf("chat.postMessage").some((c) => c.args.channel === "D0DEMOMKT"),
      );
      await offline.bot.idle();
      const answer = offline.slack.callsOf("chat.postMessage").find((c) => c.args.channel === "D0DEMOMKT");
      const body = JSON.stringify(answer?.args.blocks);
      expect(body).toContain("No language model is configured");
      const week = await sqlKpis(db, "2026-11-13", "2026-11-19");
      expect(body).toContain(`2026-11-13..2026-11-19: revenue ${formatMoney(week.revenue, "CNY")}`);
      expect(offline.openai.requests).toHaveLength(0);
    } finally {
      await offline.close();
    }
  });
});

/** A button click on the Home tab: a view container, no channel, no message. */
function homeClick(user: string, actionId: string, value: string, blockId = "home_questions") {
  return interaction({
    type: "block_actions",
    user: { id: user },
    container: { type: "view", view_id: "VHOME2" },
    view: { id: "VHOME2", type: "home", blocks: [], state: { values: {} }, hash: "h" },
    trigger_id: `trig.home.${Date.now()}.${Math.random()}`,
    actions: [{ type: "button", action_id: actionId, block_id: blockId, value, action_ts: "1" }],
  });
}
