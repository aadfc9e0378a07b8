// Anomaly alerts end to end: the real bot's jobs tick with a fake clock, the real detect_anomalies scanner over
// daily data inserted here (a ticket surge about deliveries), the fake Slack Web API, and buttons sent as Slack
// sends them. One database per engine; several bots on it act as several Beacon processes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../db/pool.ts";
import { addDays } from "../../tools/period.ts";
import { testEngines } from "../helpers/databases.ts";
import type { SlackCall } from "./fake-slack-server.ts";
import { type Harness, startHarness } from "./harness.ts";
import { buttonClick } from "./slack-payloads.ts";

const SURGE = "2026-11-28";
// 08:30 in Asia/Shanghai (the default BEACON_TIMEZONE) the morning after: the scan of SURGE is due.
const MORNING = new Date("2026-11-29T00:30:00Z");
const ALERTS = { BEACON_ALERT_CHANNEL: "CALERTS" };
const SLOW = 300_000; // each alert renders a chart: minutes on a busy shared 2-core machine
// biome-ignore lint/suspicious/noExplicitAny: Slack payloads are checked field by field.
type Loose = any;

const alertPosts = (h: Harness) =>
  h.slack.callsOf("chat.postMessage").filter((c) => c.args.channel === "CALERTS" && c.args.thread_ts === undefined);
const threadPosts = (h: Harness, ts: string) =>
  h.slack.callsOf("chat.postMessage").filter((c) => c.args.channel === "CALERTS" && c.args.thread_ts === ts);
const text = (call: SlackCall) => JSON.stringify(call.args.blocks ?? "") + String(call.args.text ?? "");

/**
 * 70 days of one paid channel's delivery (the scan needs marketing data to start from) and 1-2 delivery tickets a
 * day; 14 on `surges`. Days are Shanghai days: tickets are filed at noon local time.
 */
async function seed(db: Database, surges: string[]): Promise<void> {
  await db.pool.query(
    "INSERT INTO channels (code, name, type, platform) VALUES ('douyin', '抖音', 'short_video', 'Douyin') ON CONFLICT DO NOTHING",
  );
  await db.pool.query(
    `INSERT INTO campaigns (external_id, channel_id, name, start_date)
     SELECT 'DY-01', id, 'Always on', '2026-09-01' FROM channels WHERE code = 'douyin' ON CONFLICT DO NOTHING`,
  );
  const first = addDays(SURGE, -70);
  await db.pool.query(
    `INSERT INTO ad_spend_daily (campaign_id, day, spend, impressions, clicks)
     SELECT (SELECT id FROM campaigns WHERE external_id = 'DY-01'), d::date, 1000, 50000, 800
     FROM generate_series($1::date, $2::date, interval '1 day') AS d`,
    [first, addDays(SURGE, 3)],
  );
  await db.pool.query(
    `INSERT INTO feedback_tickets (source_channel, category, sentiment, severity, priority, status, body, reporter,
                                   created_at)
     SELECT 'chat', 'delivery', 'negative', 'medium', 'P3', 'closed', 'Parcel late', 'USUPPORT',
            (d::date + time '12:00') AT TIME ZONE 'Asia/Shanghai'
     FROM generate_series($1::date, $2::date, interval '1 day') AS d,
          generate_series(1, CASE WHEN d::date::text = ANY($3::text[]) THEN 14
                                  WHEN extract(dow FROM d) IN (1, 4) THEN 2 ELSE 1 END)`,
    [first, addDays(SURGE, 3), surges],
  );
}

describe.each(testEngines())("anomaly alerts end to end on $name", (engine) => {
  let db: Database;
  let a: Harness;
  let b: Harness;
  let alert: SlackCall;

  beforeAll(async () => {
    db = await engine.open();
    // A second surge two days after the first: a new run of the same series, for the mute.
    await seed(db, [SURGE, addDays(SURGE, 2)]);
    a = await startHarness(db, { now: MORNING, env: ALERTS, channelGapMs: 0 });
    b = await startHarness(db, { now: MORNING, env: ALERTS, channelGapMs: 0 });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await db?.close();
  });

  it(
    "the morning tick posts the anomaly with chart and buttons once, across two bots and a second tick",
    async () => {
      await Promise.all([a.bot.jobs(), b.bot.jobs()]);
      const posted = [...alertPosts(a), ...alertPosts(b)];
      expect(posted).toHaveLength(1);
      alert = posted[0] as SlackCall;
      const poster = alertPosts(a).length === 1 ? a : b;
      expect(text(alert)).toContain("Ticket volume about delivery rose on 2026-11-28");
      expect(text(alert)).toContain("*Actual*\\n14");
      expect(text(alert)).toContain("14 delivery tickets on 2026-11-28 against");
      const actions = (alert.args.blocks as Loose[]).find((block) => block.type === "actions");
      expect(actions.elements.map((e: Loose) => e.text.text)).toEqual(["Why?", "Mute 7 days"]);
      // The chart: a PNG in the alert's thread.
      const upload = poster.slack.callsOf("files.completeUploadExternal")[0] as SlackCall;
      expect(upload.args.channel_id).toBe("CALERTS");
      expect(upload.args.thread_ts).toBe(alert.response?.ts);
      const file = (upload.args.files as { id: string; title: string }[])[0];
      expect(file?.title).toBe("Ticket volume, about delivery: daily vs expected range");
      expect(poster.slack.uploads.get(String(file?.id))?.subarray(1, 4).toString()).toBe("PNG");

      await Promise.all([a.bot.jobs(), b.bot.jobs(new Date(MORNING.getTime() + 3_600_000))]);
      expect(alertPosts(a).length + alertPosts(b).length).toBe(1);
      const rows = await db.pool.query("SELECT status, series, category, day::text AS day FROM anomaly_alerts");
      expect(rows.rows).toEqual([{ status: "posted", series: "tickets", category: "delivery", day: SURGE }]);
    },
    SLOW,
  );

  it(
    "Why? asks the analyst in the alert's thread",
    async () => {
      const poster = alertPosts(a).length === 1 ? a : b;
      const ts = String(alert.response?.ts);
      poster.openai.enqueue({ text: "Deliveries slipped: a courier backlog on 11-28 (14 tickets against about 1.3)." });
      const id = (alert.args.blocks as Loose[]).find((block) => block.type === "actions").elements[0].value;
      await poster.send({ form: buttonClick("alert_why", id, { channel: "CALERTS", messageTs: ts, user: "UMGR" }) });
      await poster.slack.waitFor(() => threadPosts(poster, ts).length === 2, 120_000);
      const [question, answer] = threadPosts(poster, ts) as [SlackCall, SlackCall];
      expect(question.args.text).toBe("<@UMGR> asked: Why did ticket volume about delivery rise on 2026-11-28?");
      expect(text(answer)).toContain("courier backlog");
      const asked = JSON.stringify(poster.openai.requests.at(-1)?.body.messages);
      expect(asked).toContain("Why did ticket volume about delivery rise on 2026-11-28?");
    },
    SLOW,
  );

  it(
    "Why? without a model posts what detect_anomalies found, and says so",
    async () => {
      const offline = await startHarness(db, { llm: false, now: MORNING, env: ALERTS, channelGapMs: 0 });
      try {
        const ts = String(alert.response?.ts);
        const id = (alert.args.blocks as Loose[]).find((block) => block.type === "actions").elements[0].value;
        await offline.send({ form: buttonClick("alert_why", id, { channel: "CALERTS", messageTs: ts }) });
        await offline.slack.waitFor(() => threadPosts(offline, ts).length === 2, 120_000);
        const detail = text(threadPosts(offline, ts)[1] as SlackCall);
        expect(detail).toContain("No language model is configured");
        expect(detail).toContain("detect_anomalies");
        expect(detail).toContain("14 delivery tickets on 2026-11-28");
        expect(offline.openai.requests).toHaveLength(0);
      } finally {
        await offline.close();
      }
    },
    SLOW,
  );

  it(
    "Mute 7 days shows who muted until when, and the next surge of the series is not posted",
    async () => {
      const poster = alertPosts(a).length === 1 ? a : b;
      const ts = String(alert.response?.ts);
      const id = (alert.args.blocks as Loose[]).find((block) => block.type === "actions").elements[1].value;
      await poster.send({ form: buttonClick("alert_mute", id, { channel: "CALERTS", messageTs: ts, user: "UMGR" }) });
      await poster.slack.waitFor((calls) => calls.some((c) => c.method === "chat.update"), 60_000);
      const update = poster.slack.callsOf("chat.update")[0] as SlackCall;
      expect(update.args.ts).toBe(ts);
      // Muted at 08:30 on 11-29 in Shanghai, for 7 days.
      expect(text(update)).toContain("Muted by <@UMGR> until 2026-12-06 08:30");
      expect((update.args.blocks as Loose[]).some((block) => block.type === "actions")).toBe(false);

      // Two days later the same category surges again (a new run): scanned, recorded as muted, not posted.
      const later = new Date(MORNING.getTime() + 2 * 86_400_000);
      await Promise.all([a.bot.jobs(later), b.bot.jobs(later)]);
      expect(alertPosts(a).length + alertPosts(b).length).toBe(1);
      const rows = await db.pool.query<{ status: string; day: string }>(
        "SELECT status, day::text AS day FROM anomaly_alerts ORDER BY day",
      );
      expect(rows.rows).toEqual([
        { status: "posted", day: SURGE },
        { status: "muted", day: addDays(SURGE, 2) },
      ]);
    },
    SLOW,
  );

  it("without BEACON_ALERT_CHANNEL the tick posts nothing", async () => {
    const quiet = await startHarness(db, { now: new Date(MORNING.getTime() + 3 * 86_400_000), channelGapMs: 0 });
    try {
      // Bolt checks its token with auth.test as it starts: let that finish before this short-lived bot closes.
      await quiet.slack.waitFor((calls) => calls.some((c) => c.method === "auth.test"));
      const scanned = async () => (await db.pool.query("SELECT day FROM anomaly_scan_days")).rows.length;
      const before = await scanned();
      // Three days later two more days are due: a bot with alerts on would scan them.
      await quiet.bot.jobs();
      expect(quiet.slack.callsOf("chat.postMessage")).toHaveLength(0);
      expect(await scanned()).toBe(before);
    } finally {
      await quiet.close();
    }
  });
});
