// Scheduled digests end to end: signed /beacon digest commands through the real Bolt app, two bot instances on one
// database ticking with a fake clock (the digest posts once; a run missed while down posts late once, older misses
// are not replayed), and the digest's buttons answered in its thread.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSlackBot, type SlackBot } from "../../bot/app.ts";
import { type Database, openDatabase } from "../../db/pool.ts";
import { generateDemo } from "../../derived/demo.ts";
import type { RecordedRequest, ScriptedReply } from "../fakes/fake-openai-server.ts";
import { testEngines } from "../helpers/databases.ts";
import type { SlackCall } from "./fake-slack-server.ts";
import { type Harness, startHarness } from "./harness.ts";
import { buttonClick, slashCommand } from "./slack-payloads.ts";

// Created on Friday 2026-11-20 12:00 in Shanghai (the default BEACON_TIMEZONE); the digest runs Mondays 09:00 there.
const CREATED = new Date("2026-11-20T04:00:00Z");
const FIRST_SLOT = new Date("2026-11-23T01:00:00Z");
// biome-ignore lint/suspicious/noExplicitAny: Slack payloads are checked field by field.
type Loose = any;

const blocksText = (call: SlackCall) => JSON.stringify(call.args.blocks ?? "") + String(call.args.text ?? "");
const postsIn = (h: Harness, channel: string) =>
  h.slack.callsOf("chat.postMessage").filter((c) => c.args.channel === channel);
const ephemeralsTo = (h: Harness, user: string) =>
  h.slack.callsOf("chat.postEphemeral").filter((c) => c.args.user === user);
const minutesAfter = (date: Date, minutes: number) => new Date(date.getTime() + minutes * 60_000);

/** Sends a slash command and waits for the one ephemeral reply it gets. */
async function command(h: Harness, text: string, user: string, channel = "CSETUP"): Promise<string> {
  const before = ephemeralsTo(h, user).length;
  await h.send({ form: slashCommand(text, { user, channel }) });
  await h.slack.waitFor(() => ephemeralsTo(h, user).length > before);
  return String(ephemeralsTo(h, user).at(-1)?.args.text);
}

describe.each(testEngines())("scheduled digests end to end on $name", (engine) => {
  let db: Database;
  let h: Harness;
  let second: { db: Database; bot: SlackBot };
  const replies: ScriptedReply[] = [];

  beforeAll(async () => {
    db = await engine.open();
    // Data up to Sunday 12-06, so both digests below (weeks of 11-16 and 11-30) have numbers.
    await generateDemo(db, { customers: 1500, seed: 7, endDate: "2026-12-06", months: 6 });
    await db.pool.query(
      `INSERT INTO app_users (slack_user_id, display_name, role) VALUES
       ('UMGR', 'Mia Manager', 'manager'), ('UADMIN', 'Ada Admin', 'admin') ON CONFLICT DO NOTHING`,
    );
    h = await startHarness(db, { now: CREATED });
    h.openai.respondWith(
      (_request: RecordedRequest) => replies.shift() ?? { status: 500, message: "unscripted model call" },
    );
    // The second Beacon process: its own bot, its own connection pool on a server (PGlite has one instance).
    const otherDb = db.kind === "postgres" ? await openDatabase({ url: db.label, maxConnections: 4 }) : db;
    const bot = createSlackBot({ db: otherDb, config: h.config, analyst: h.analyst, now: CREATED });
    await bot.start(0);
    second = { db: otherDb, bot };
  }, 120_000);
  afterAll(async () => {
    await second?.bot.stop();
    if (second && second.db !== db) await second.db.close();
    await h?.close();
    await db?.close();
  });

  it("add, list and remove: managers and admins only; a bad cron names its field; a missing channel is asked for", async () => {
    expect(await command(h, 'digest add "0 9 * * 1" <#CDIGEST|marketing>', "UMARKETER")).toContain(
      "Only managers and admins can manage scheduled digests (you are marketer)",
    );
    expect(await command(h, "digest list", "UMARKETER")).toContain("Only managers and admins");
    expect(await command(h, "help digest", "UMARKETER")).toContain('/beacon digest add "&lt;cron&gt;" #channel');
    expect(await command(h, "help", "UMARKETER")).toContain("/beacon digest add|list|remove");
    expect(await command(h, "digets list", "UMGR")).toContain("Did you mean `/beacon digest`?");
    const badCron = await command(h, 'digest add "0 9 * * 8" <#CDIGEST|marketing>', "UMGR");
    expect(badCron).toContain('Field 5 (day of week) of "0 9 * * 8" is not valid: "8"');
    expect(badCron).toContain('Example: "0 9 * * 1" (Mondays at 09:00)');
    expect(await command(h, 'digest add "0 9 * * 1" view=manager', "UMGR")).toContain("Which channel?");
    expect(await command(h, 'digest add "0 9 * * 1" <#CDIGEST|marketing> view=boss', "UMGR")).toContain(
      "Unknown view `boss`",
    );
    expect(await command(h, 'digest add "0 9 * * 1" <#CDIGEST|marketing> period=fortnight', "UMGR")).toContain(
      "Unknown period `fortnight`",
    );
    expect(await db.pool.query("SELECT 1 FROM digests")).toMatchObject({ rowCount: 0 });

    const added = await command(h, 'digest add "0 9 * * 1" <#CTEMP|temp> view=marketer period=last_month', "UADMIN");
    expect(added).toMatch(
      /^Digest #\d+ scheduled: `0 9 \* \* 1` to <#CTEMP>, marketer view, last_month; first run Mon 11-23 09:00 \(Asia\/Shanghai\)/,
    );
    const id = Number(/#(\d+)/.exec(added)?.[1]);
    const listed = await command(h, "digest list", "UMGR");
    expect(listed).toContain(
      `#${id}  \`0 9 * * 1\` Asia/Shanghai → <#CTEMP>  marketer view, last_month; next Mon 11-23 09:00; not run yet`,
    );
    expect(await command(h, `digest remove ${id}`, "UMGR")).toContain(
      `Digest #${id} (\`0 9 * * 1\` to <#CTEMP>) removed`,
    );
    expect(await command(h, `digest remove ${id}`, "UMGR")).toContain(`There is no active digest #${id}`);
    expect(await command(h, "digest list", "UMGR")).toContain("No scheduled digests");
    const { rows } = await db.pool.query("SELECT removed_by FROM digests WHERE id = $1", [id]);
    expect(rows[0]).toEqual({ removed_by: "UMGR" });
    // A removed digest never runs.
    await h.bot.jobs(minutesAfter(FIRST_SLOT, 1));
    expect(postsIn(h, "CTEMP")).toHaveLength(0);
  });

  let digestId = 0;
  let digestTs = "";

  it("two bot processes ticking at once post a due digest exactly once, with charts and buttons", async () => {
    const added = await command(h, 'digest add "0 9 * * 1" <#CDIGEST|marketing> view=manager period=last_week', "UMGR");
    digestId = Number(/#(\d+)/.exec(added)?.[1]);
    // Before the slot nothing is due.
    await Promise.all([h.bot.jobs(minutesAfter(FIRST_SLOT, -1)), second.bot.jobs(minutesAfter(FIRST_SLOT, -1))]);
    expect(postsIn(h, "CDIGEST")).toHaveLength(0);
    // Both processes tick at the slot, and again a minute later.
    const at = new Date(FIRST_SLOT.getTime() + 20_000);
    await Promise.all([h.bot.jobs(at), second.bot.jobs(at), h.bot.jobs(at), second.bot.jobs(at)]);
    await Promise.all([h.bot.jobs(minutesAfter(at, 1)), second.bot.jobs(minutesAfter(at, 1))]);
    const posts = postsIn(h, "CDIGEST");
    expect(posts).toHaveLength(1);
    const post = posts[0] as SlackCall;
    const text = blocksText(post);
    expect(text).toContain("Weekly digest: last week");
    expect(text).toContain("2026-11-16 to 2026-11-22, manager view");
    // The summary is summarize_period's (readable without a model), as of the slot.
    expect(text).toContain("Summary of last week (2026-11-16 to 2026-11-22)");
    expect(text).toContain("Tools: summarize_period");
    expect(text).toContain("xiaohongshu");
    expect(text).not.toContain("late:");
    const buttons = (post.args.blocks as Loose[]).flatMap((b) => b.elements ?? []).filter((e: Loose) => e.action_id);
    expect(buttons.map((b: Loose) => b.text.text)).toEqual(["Ask about this", "By campaign"]);
    digestTs = String(post.response?.ts);
    const runs = await db.pool.query(
      "SELECT scheduled_for, status, late, posted_ts, id::int AS id FROM digest_runs WHERE digest_id = $1",
      [digestId],
    );
    expect(runs.rows).toEqual([
      { scheduled_for: FIRST_SLOT, status: "posted", late: false, posted_ts: digestTs, id: Number(buttons[0].value) },
    ]);
    // Two charts, in the digest's thread.
    const charts = h.slack
      .callsOf("files.completeUploadExternal")
      .filter((c) => c.args.channel_id === "CDIGEST" && c.args.thread_ts === digestTs);
    expect(charts).toHaveLength(2);
    const png = h.slack.uploads.get(((charts[0] as SlackCall).args.files as Loose)[0].id) as Buffer;
    expect(png.subarray(1, 4).toString()).toBe("PNG");
  });

  it("a run missed while Beacon was down posts once, late; older misses are not replayed", async () => {
    // Down from before Mon 11-30 09:00 until Mon 12-07 11:00: two slots passed, only the latest is posted.
    const back = new Date("2026-12-07T03:00:00Z");
    await Promise.all([h.bot.jobs(back), second.bot.jobs(back)]);
    await Promise.all([h.bot.jobs(minutesAfter(back, 1)), second.bot.jobs(minutesAfter(back, 1))]);
    const posts = postsIn(h, "CDIGEST");
    expect(posts).toHaveLength(2);
    const late = blocksText(posts[1] as SlackCall);
    expect(late).toContain(
      "late: scheduled for Mon 09:00, Beacon was down; 1 earlier run missed while down is not replayed",
    );
    expect(late).toContain("2026-11-30 to 2026-12-06");
    // The buttons below are clicked on this (the latest) digest.
    digestTs = String(posts[1]?.response?.ts);
    const runs = await db.pool.query<{ scheduled_for: Date; late: boolean; skipped_slots: number }>(
      "SELECT scheduled_for, late, skipped_slots FROM digest_runs WHERE digest_id = $1 ORDER BY scheduled_for",
      [digestId],
    );
    expect(runs.rows).toEqual([
      { scheduled_for: FIRST_SLOT, late: false, skipped_slots: 0 },
      { scheduled_for: new Date("2026-12-07T01:00:00Z"), late: true, skipped_slots: 1 },
    ]);
  });

  it("a digest Slack refuses is retried on the next ticks, three attempts in all, and stays on record", async () => {
    const added = await command(h, 'digest add "0 8 * * *" CNOTIN000 period=month_to_date', "UADMIN");
    const id = Number(/#(\d+)/.exec(added)?.[1]);
    h.slack.failWith("chat.postMessage", "not_in_channel");
    try {
      const slot = new Date("2026-12-08T00:00:00Z"); // Tue 08:00 in Shanghai
      for (let minute = 0; minute < 5; minute += 1) await h.bot.jobs(minutesAfter(slot, minute));
    } finally {
      h.slack.failWith("chat.postMessage", "");
    }
    const { rows } = await db.pool.query("SELECT status, attempts, error FROM digest_runs WHERE digest_id = $1", [id]);
    expect(rows).toEqual([{ status: "failed", attempts: 3, error: "not_in_channel" }]);
    expect(await command(h, "digest list", "UMGR")).toContain("last Tue 12-08 08:00 failed");
    await command(h, `digest remove ${id}`, "UMGR");
  });

  it('"By campaign" posts the marketer view by campaign in the digest\'s thread', async () => {
    const runId = await latestRunId(db, digestId);
    await h.send({
      form: buttonClick("digest_by_campaign", String(runId), {
        user: "UMARKETER",
        channel: "CDIGEST",
        messageTs: digestTs,
      }),
    });
    await h.slack.waitFor(() => postsIn(h, "CDIGEST").some((c) => blocksText(c).includes("by campaign")), 30_000);
    const answer = postsIn(h, "CDIGEST").find((c) => blocksText(c).includes("by campaign")) as SlackCall;
    expect(answer.args.thread_ts).toBe(digestTs);
    expect(blocksText(answer)).toContain("2026-11-30 to 2026-12-06, marketer view");
    expect(blocksText(answer)).toContain("marketer view:");
    expect(blocksText(answer)).toContain("Campaigns up:");
    expect(blocksText(answer)).toMatch(/Tools: summarize_period \(\d+ rows\), compute_kpis \([1-9]\d* rows\)/);
  });

  it('"Ask about this" asks the analyst in the thread; without a model it says so', async () => {
    const runId = await latestRunId(db, digestId);
    replies.push({ text: "Douyin drove it: its clicks got dearer." });
    await h.send({
      form: buttonClick("digest_ask", String(runId), { user: "UMGR", channel: "CDIGEST", messageTs: digestTs }),
    });
    await h.slack.waitFor(() => postsIn(h, "CDIGEST").some((c) => blocksText(c).includes("Douyin drove it")), 30_000);
    const thread = postsIn(h, "CDIGEST").filter((c) => c.args.thread_ts === digestTs);
    const question = thread.find((c) => String(c.args.text).includes("asked:")) as SlackCall;
    expect(thread.some((c) => blocksText(c).includes("Douyin drove it"))).toBe(true);
    expect(String(question.args.text)).toContain(
      "<@UMGR> asked: What drove the biggest changes from 2026-11-30 to 2026-12-06 compared with the period before",
    );
    expect(JSON.stringify(h.openai.requests.at(-1)?.body.messages)).toContain("2026-11-30 to 2026-12-06");

    const offline = await startHarness(db, { llm: false, now: CREATED });
    try {
      await offline.send({
        form: buttonClick("digest_ask", String(runId), { user: "UMGR", channel: "CDIGEST", messageTs: digestTs }),
      });
      await offline.slack.waitFor(() => postsIn(offline, "CDIGEST").length === 1);
      const reply = postsIn(offline, "CDIGEST")[0] as SlackCall;
      expect(reply.args.thread_ts).toBe(digestTs);
      expect(String(reply.args.text)).toContain("none is configured (OPENAI_API_KEY is not set)");
      expect(offline.openai.requests).toHaveLength(0);
    } finally {
      await offline.close();
    }
  });

  it("removing the digest stops it and keeps its runs", async () => {
    expect(await command(h, `digest remove ${digestId}`, "UADMIN")).toContain(`Digest #${digestId}`);
    const before = postsIn(h, "CDIGEST").length;
    await h.bot.jobs(new Date("2026-12-14T01:00:30Z"));
    expect(postsIn(h, "CDIGEST")).toHaveLength(before);
    const { rows } = await db.pool.query("SELECT count(*)::int AS n FROM digest_runs WHERE digest_id = $1", [digestId]);
    expect(rows[0]).toEqual({ n: 2 });
  });
});

async function latestRunId(db: Database, digestId: number): Promise<number> {
  const { rows } = await db.pool.query<{ id: number }>(
    "SELECT id::int AS id FROM digest_runs WHERE digest_id = $1 ORDER BY scheduled_for DESC LIMIT 1",
    [digestId],
  );
  return (rows[0] as { id: number }).id;
}
