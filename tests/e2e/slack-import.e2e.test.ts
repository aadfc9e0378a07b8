// End to end: a CSV dropped in a DM with Beacon, through the real Bolt app, the fake Slack Web API (files.info and
// the private download URL with its token check) and the real importer on PGlite (and the server when configured).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { downloadFile } from "../../bot/slack/import-download.ts";
import type { Database } from "../../db/pool.ts";
import { generateDemo } from "../../derived/demo.ts";
import { testEngines } from "../helpers/databases.ts";
import type { SlackCall, SlackFile } from "./fake-slack-server.ts";
import { type Harness, startHarness } from "./harness.ts";
import { buttonClick, eventEnvelope, slashCommand } from "./slack-payloads.ts";

// biome-ignore lint/suspicious/noExplicitAny: Slack payloads are checked field by field.
type Loose = any;

const ADMIN = "UADMINUP";
const MARKETER = "UMKTUP";
let tsCounter = 1_800_100_000;

/** The message event Slack sends (message.im) when a user shares a file in their DM with the app. */
function fileShare(user: string, channel: string, file: SlackFile, threadTs?: string) {
  tsCounter += 1;
  const ts = `${tsCounter}.000100`;
  return eventEnvelope({
    type: "message",
    subtype: "file_share",
    text: "",
    files: [file],
    upload: true,
    user,
    display_as_bot: false,
    ts,
    ...(threadTs ? { thread_ts: threadTs } : {}),
    channel,
    channel_type: "im",
    event_ts: ts,
  });
}

const postsIn = (h: Harness, channel: string) =>
  h.slack.callsOf("chat.postMessage").filter((c) => c.args.channel === channel);
const textOf = (call: SlackCall | undefined) => JSON.stringify(call?.args.blocks ?? "") + String(call?.args.text ?? "");
const buttons = (call: SlackCall | undefined): Loose[] =>
  ((call?.args.blocks as Loose[]) ?? []).filter((b) => b.type === "actions").flatMap((b) => b.elements);

const CUSTOMERS = [
  "Customer ID,Name,E-mail,Mobile,Signup Date,City,Favourite Colour",
  "UP-0001,Li Na,li.na@example.com,13800138111,2026-10-01,Hangzhou,blue",
  "UP-0002,Zhou Jie,zhou.jie@example.com,13800138112,2026-10-02,Suzhou,red",
  "UP-0003,Chen Yu,,13800138113,2026-10-03,Ningbo,",
].join("\n");

const NPS = [
  "Response ID,Score,Submitted At,Comment",
  "NP-1,9,2026-11-01 10:00,Fast delivery",
  "NP-2,4,2026-11-02 11:00,Late",
].join("\n");

describe.each(testEngines())("CSV upload in Slack on $name", (engine) => {
  let db: Database;
  let h: Harness;

  beforeAll(async () => {
    db = await engine.open();
    await generateDemo(db, { customers: 200, seed: 11, endDate: "2026-11-19", months: 2 });
    await db.pool.query(
      `INSERT INTO app_users (slack_user_id, display_name, role) VALUES ($1, 'Ada Admin', 'admin'), ($2, 'Max Marketer', 'marketer')`,
      [ADMIN, MARKETER],
    );
    h = await startHarness(db, {
      llm: false,
      now: new Date("2026-11-20T04:00:00Z"),
      channelGapMs: 0,
      env: { BEACON_UPLOAD_MAX_MB: "1", BEACON_UPLOAD_MAX_ROWS: "1000" },
    });
  });
  afterAll(async () => {
    await h?.close();
    await db?.close();
  });

  const uploadsOnDisk = () => {
    try {
      return readdirSync(join(h.config.BEACON_DATA_DIR, "uploads"));
    } catch {
      return [];
    }
  };

  it("file in a DM -> preview with Import / Cancel -> Import -> rows stored -> result; a second click imports nothing", async () => {
    const file = h.slack.addFile({ name: "crm-customers.csv", content: CUSTOMERS, user: ADMIN, channel: "DADMIN1" });
    expect((await h.send({ json: fileShare(ADMIN, "DADMIN1", file) })).status).toBe(200);
    await h.slack.waitFor(() => postsIn(h, "DADMIN1").length === 1);
    expect(h.slack.downloads).toContainEqual({ fileId: file.id, authorized: true });
    expect(h.slack.callsOf("files.info").some((c) => c.args.file === file.id)).toBe(true);
    const preview = postsIn(h, "DADMIN1")[0];
    const text = textOf(preview);
    expect(text).toContain("*crm-customers.csv* looks like *customers*");
    expect(text).toMatch(/3 of 3 required columns \((?=[^)]*Customer ID)(?=[^)]*Name)(?=[^)]*Signup Date)[^)]*\)/);
    expect(text).toContain("*Rows:* 3");
    expect(text).toContain("*Would add:* 3");
    expect(text).toContain("Favourite Colour"); // the unknown column, listed
    expect(preview?.args.thread_ts).toBeDefined();
    const [importButton, cancelButton] = buttons(preview);
    expect(importButton).toMatchObject({ action_id: "import_upload_confirm", text: { text: "Import 3 rows" } });
    expect(cancelButton).toMatchObject({ action_id: "import_upload_cancel", value: importButton.value });
    // The dry run stored nothing.
    const before = await db.pool.query("SELECT count(*)::int AS n FROM customers WHERE external_id LIKE 'UP-%'");
    expect(before.rows[0].n).toBe(0);

    const previewTs = String(preview?.response?.ts);
    await h.send({
      form: buttonClick("import_upload_confirm", importButton.value, {
        user: ADMIN,
        channel: "DADMIN1",
        messageTs: previewTs,
      }),
    });
    await h.slack.waitFor(() => postsIn(h, "DADMIN1").length === 2);
    await h.bot.idle();
    const stored = await db.pool.query<{ external_id: string; name: string; email: string | null; city: string }>(
      "SELECT external_id, name, email, city FROM customers WHERE external_id LIKE 'UP-%' ORDER BY external_id",
    );
    expect(stored.rows).toEqual([
      { external_id: "UP-0001", name: "Li Na", email: "li.na@example.com", city: "Hangzhou" },
      { external_id: "UP-0002", name: "Zhou Jie", email: "zhou.jie@example.com", city: "Suzhou" },
      { external_id: "UP-0003", name: "Chen Yu", email: null, city: "Ningbo" },
    ]);
    const result = postsIn(h, "DADMIN1")[1];
    expect(result?.args.thread_ts).toBe(preview?.args.thread_ts);
    expect(String(result?.args.text)).toContain(
      `<@${ADMIN}> imported *crm-customers.csv* as *customers*: 3 rows, 3 added, 0 updated`,
    );
    const updated = h.slack.callsOf("chat.update").filter((c) => c.args.ts === previewTs);
    expect(updated).toHaveLength(1);
    expect(buttons(updated[0])).toEqual([]);
    expect(textOf(updated[0])).toContain("3 rows, 3 added");
    expect(uploadsOnDisk().filter((f) => f.includes(file.id))).toEqual([]); // Beacon's copy is gone once imported

    // A double click (a new trigger id, so not a Slack retry): told, and nothing imported twice.
    await h.send({
      form: buttonClick("import_upload_confirm", importButton.value, {
        user: ADMIN,
        channel: "DADMIN1",
        messageTs: previewTs,
      }),
    });
    await h.slack.waitFor(() =>
      h.slack.callsOf("chat.postEphemeral").some((c) => String(c.args.text).includes("already imported")),
    );
    await h.bot.idle();
    const logged = await db.pool.query<{ entity: string; file_name: string; rows_total: number; inserted: number }>(
      "SELECT entity, file_name, rows_total, inserted FROM import_log WHERE file_name LIKE $1",
      [`%${file.id}%`],
    );
    expect(logged.rows).toEqual([
      { entity: "customers", file_name: expect.stringMatching(/-crm-customers\.csv$/), rows_total: 3, inserted: 3 },
    ]);
    const row = await db.pool.query(
      "SELECT status, entity, entity_source, decided_by FROM import_uploads WHERE slack_file_id = $1",
      [file.id],
    );
    expect(row.rows).toEqual([
      { status: "imported", entity: "customers", entity_source: "detected", decided_by: ADMIN },
    ]);
  });

  it("Cancel stores nothing, deletes Beacon's copy and says so", async () => {
    const content = CUSTOMERS.replace(/UP-000/g, "CX-000");
    const file = h.slack.addFile({ name: "maybe.csv", content, user: ADMIN, channel: "DADMIN2" });
    await h.send({ json: fileShare(ADMIN, "DADMIN2", file) });
    await h.slack.waitFor(() => postsIn(h, "DADMIN2").length === 1);
    await h.bot.idle();
    expect(uploadsOnDisk().filter((f) => f.includes(file.id))).toHaveLength(1);
    const preview = postsIn(h, "DADMIN2")[0];
    const [, cancel] = buttons(preview);
    const previewTs = String(preview?.response?.ts);
    await h.send({
      form: buttonClick("import_upload_cancel", cancel.value, {
        user: ADMIN,
        channel: "DADMIN2",
        messageTs: previewTs,
      }),
    });
    await h.slack.waitFor((calls) => calls.some((c) => c.method === "chat.update" && c.args.ts === previewTs));
    await h.bot.idle();
    const update = h.slack.callsOf("chat.update").find((c) => c.args.ts === previewTs);
    expect(textOf(update)).toContain("Cancelled by");
    expect(textOf(update)).toContain("nothing from maybe.csv was stored");
    expect(buttons(update)).toEqual([]);
    const stored = await db.pool.query("SELECT count(*)::int AS n FROM customers WHERE external_id LIKE 'CX-%'");
    expect(stored.rows[0].n).toBe(0);
    expect(uploadsOnDisk().filter((f) => f.includes(file.id))).toEqual([]);
    // Import after Cancel: refused, still nothing stored.
    await h.send({
      form: buttonClick("import_upload_confirm", cancel.value, {
        user: ADMIN,
        channel: "DADMIN2",
        messageTs: previewTs,
      }),
    });
    await h.slack.waitFor(() =>
      h.slack.callsOf("chat.postEphemeral").some((c) => String(c.args.text).includes("was cancelled")),
    );
    await h.bot.idle();
    expect(
      (await db.pool.query("SELECT count(*)::int AS n FROM customers WHERE external_id LIKE 'CX-%'")).rows[0].n,
    ).toBe(0);
  });

  it("refuses a role that may not import, without downloading the file", async () => {
    const file = h.slack.addFile({ name: "customers.csv", content: CUSTOMERS, user: MARKETER, channel: "DMKT" });
    await h.send({ json: fileShare(MARKETER, "DMKT", file) });
    await h.slack.waitFor(() => postsIn(h, "DMKT").length === 1);
    expect(String(postsIn(h, "DMKT")[0]?.args.text)).toContain(
      "Only admin users can import data into Beacon (BEACON_IMPORT_ROLES); your role is marketer",
    );
    expect(h.slack.downloads.filter((d) => d.fileId === file.id)).toEqual([]);
    const rows = await db.pool.query("SELECT count(*)::int AS n FROM import_uploads WHERE slack_file_id = $1", [
      file.id,
    ]);
    expect(rows.rows[0].n).toBe(0);
    // The slash command says the same.
    await h.send({ form: slashCommand("import", { user: MARKETER, channel: "DMKT" }) });
    await h.slack.waitFor(() => h.slack.callsOf("chat.postEphemeral").some((c) => c.args.user === MARKETER));
    expect(String(h.slack.callsOf("chat.postEphemeral").find((c) => c.args.user === MARKETER)?.args.text)).toContain(
      "your role is marketer",
    );
  });

  it("refuses a file above BEACON_UPLOAD_MAX_MB before downloading it", async () => {
    const rows = Array.from({ length: 50_000 }, (_, i) => `BIG-${i},Name ${i},2026-10-01`);
    const content = ["Customer ID,Name,Signup Date", ...rows].join("\n");
    const file = h.slack.addFile({ name: "huge.csv", content, user: ADMIN, channel: "DADMIN3" });
    await h.send({ json: fileShare(ADMIN, "DADMIN3", file) });
    await h.slack.waitFor(() => postsIn(h, "DADMIN3").length === 1);
    const text = String(postsIn(h, "DADMIN3")[0]?.args.text);
    expect(text).toMatch(
      /huge\.csv is 1\.\d MB; files uploaded in Slack may be at most 1\.0 MB \(BEACON_UPLOAD_MAX_MB\)/,
    );
    expect(h.slack.downloads.filter((d) => d.fileId === file.id)).toEqual([]);
  });

  it("refuses a file above BEACON_UPLOAD_MAX_ROWS, storing nothing", async () => {
    const rows = Array.from({ length: 1500 }, (_, i) => `ROWS-${i},Name ${i},2026-10-01`);
    const content = ["Customer ID,Name,Signup Date", ...rows].join("\n");
    const file = h.slack.addFile({ name: "many.csv", content, user: ADMIN, channel: "DADMIN4" });
    await h.send({ json: fileShare(ADMIN, "DADMIN4", file) });
    await h.slack.waitFor(() => postsIn(h, "DADMIN4").length === 1);
    expect(String(postsIn(h, "DADMIN4")[0]?.args.text)).toContain(
      "more than 1,000 data rows, the limit for uploads in Slack (BEACON_UPLOAD_MAX_ROWS)",
    );
    expect(
      (await db.pool.query("SELECT count(*)::int AS n FROM customers WHERE external_id LIKE 'ROWS-%'")).rows[0].n,
    ).toBe(0);
  });

  it("/beacon import <entity> then a file: read as that entity; problems listed with line and column, no Import button", async () => {
    await h.send({ form: slashCommand("import orders", { user: ADMIN, channel: "DADMIN5" }) });
    await h.slack.waitFor(() =>
      h.slack
        .callsOf("chat.postEphemeral")
        .some((c) => c.args.user === ADMIN && String(c.args.text).includes("read it as *orders*")),
    );
    const content =
      "Order ID,Customer ID,Order Date,Amount\nUPO-1,CUS-0000001,2026-11-01,120.00\nUPO-2,CUS-0000002,2026-11-02,-5\n";
    const file = h.slack.addFile({ name: "orders.csv", content, user: ADMIN, channel: "DADMIN5" });
    await h.send({ json: fileShare(ADMIN, "DADMIN5", file) });
    await h.slack.waitFor(() => postsIn(h, "DADMIN5").length === 1);
    const post = postsIn(h, "DADMIN5")[0];
    const text = textOf(post);
    expect(text).toContain("as *orders* (named with `/beacon import orders`)");
    expect(text).toContain("nothing was imported");
    expect(text).toContain('line 3, column \\"Amount\\"');
    expect(buttons(post)).toEqual([]);
    expect(
      (await db.pool.query("SELECT count(*)::int AS n FROM orders WHERE external_id LIKE 'UPO-%'")).rows[0].n,
    ).toBe(0);
  });

  it("a file in an assistant thread, a Slack retry of the same event, and a bare file id: one preview each, in place", async () => {
    const file = h.slack.addFile({ name: "nps.csv", content: NPS, user: ADMIN, channel: "DADMIN6" });
    const envelope = fileShare(ADMIN, "DADMIN6", file, "1800200000.000100");
    await h.send({ json: envelope });
    await h.send({ json: envelope }, { "x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout" });
    await h.slack.waitFor(() => postsIn(h, "DADMIN6").length >= 1);
    await h.bot.idle();
    const posts = postsIn(h, "DADMIN6");
    expect(posts).toHaveLength(1);
    expect(posts[0]?.args.thread_ts).toBe("1800200000.000100");
    expect(textOf(posts[0])).toContain("looks like *nps*");
    // Slack may send only the id (file_access check_file_info): files.info says what the file is.
    const bare = h.slack.addFile({ name: "nps-again.csv", content: NPS, user: ADMIN, channel: "DADMIN7" });
    const slim = { id: bare.id, mode: "hosted", file_access: "check_file_info", created: bare.created, user: ADMIN };
    await h.send({ json: fileShare(ADMIN, "DADMIN7", slim as unknown as SlackFile) });
    await h.slack.waitFor(() => postsIn(h, "DADMIN7").length === 1);
    expect(textOf(postsIn(h, "DADMIN7")[0])).toContain("*nps-again.csv* looks like *nps*");
  });

  it("an Excel workbook is refused with how to export CSV; an image is left alone", async () => {
    const workbook = readFileSync(new URL("../fixtures/csv/orders-workbook.xlsx", import.meta.url));
    const file = h.slack.addFile({ name: "orders.xlsx", content: workbook, user: ADMIN, channel: "DADMIN8" });
    await h.send({ json: fileShare(ADMIN, "DADMIN8", file) });
    await h.slack.waitFor(() => postsIn(h, "DADMIN8").length === 1);
    expect(String(postsIn(h, "DADMIN8")[0]?.args.text)).toContain("orders.xlsx: this is an Excel workbook (.xlsx)");
    expect(String(postsIn(h, "DADMIN8")[0]?.args.text)).toContain("export it as CSV");
    const image = h.slack.addFile({
      name: "chart.png",
      content: Buffer.from([0x89, 0x50, 0x4e, 0x47]),
      user: ADMIN,
      channel: "DADMIN9",
    });
    await h.send({ json: fileShare(ADMIN, "DADMIN9", image) });
    await h.bot.idle();
    expect(postsIn(h, "DADMIN9")).toEqual([]);
    expect(h.slack.downloads.filter((d) => d.fileId === image.id)).toEqual([]);
  });

  it("the private download needs the bot token: another token gets Slack's sign-in page, reported as such", async () => {
    const file = h.slack.addFile({ name: "secret.csv", content: CUSTOMERS, user: ADMIN, channel: "DADMIN10" });
    const info = {
      id: file.id,
      name: file.name,
      size: file.size,
      filetype: "csv",
      url: String(file.url_private_download),
    };
    const target = join(h.config.BEACON_DATA_DIR, "token-check.csv");
    await expect(downloadFile(info, "xoxb-someone-else", target, 1_000_000)).rejects.toThrow(
      /Slack sent a sign-in page instead of secret\.csv/,
    );
    expect(h.slack.downloads.filter((d) => d.fileId === file.id)).toEqual([{ fileId: file.id, authorized: false }]);
    await expect(downloadFile(info, "xoxb-test-token", target, 1_000_000)).resolves.toMatchObject({
      bytes: CUSTOMERS.length,
    });
    expect(readFileSync(target, "utf8")).toBe(CUSTOMERS);
  });

  it("an order export with its customers inline: the preview counts customers to create, Import creates them", async () => {
    const content = readFileSync(new URL("../fixtures/exports/orders-with-customers-zh.csv", import.meta.url));
    const file = h.slack.addFile({ name: "订单导出.csv", content, user: ADMIN, channel: "DADMIN11" });
    await h.send({ json: fileShare(ADMIN, "DADMIN11", file) });
    await h.slack.waitFor(() => postsIn(h, "DADMIN11").length === 1);
    await h.bot.idle();
    const preview = postsIn(h, "DADMIN11")[0];
    const text = textOf(preview);
    expect(text).toContain("*订单导出.csv* looks like *orders*");
    const customers = /\*Customers:\* (\d+) new, (\d+) existing/.exec(text);
    expect(customers, text).not.toBeNull();
    const [importButton] = buttons(preview);
    const before = (await db.pool.query("SELECT count(*)::int AS n FROM customers")).rows[0].n as number;
    await h.send({
      form: buttonClick("import_upload_confirm", importButton.value, {
        user: ADMIN,
        channel: "DADMIN11",
        messageTs: String(preview?.response?.ts),
      }),
    });
    await h.slack.waitFor(() => postsIn(h, "DADMIN11").length === 2);
    await h.bot.idle();
    const after = (await db.pool.query("SELECT count(*)::int AS n FROM customers")).rows[0].n as number;
    expect(after - before).toBe(Number(customers?.[1]));
    expect(Number(customers?.[1])).toBeGreaterThan(0);
    const stored = await db.pool.query("SELECT count(*)::int AS n FROM orders WHERE external_id LIKE 'SO-%'");
    expect(stored.rows[0].n).toBeGreaterThan(0);
    expect(String(postsIn(h, "DADMIN11")[1]?.args.text)).toContain(`customers: ${customers?.[1]} created`);
  });

  it("an import interrupted by a stop: a click meanwhile is told it is running; after 30 minutes Import runs again", async () => {
    const content = CUSTOMERS.replace(/UP-000/g, "RS-000");
    const file = h.slack.addFile({ name: "restart.csv", content, user: ADMIN, channel: "DADMIN12" });
    await h.send({ json: fileShare(ADMIN, "DADMIN12", file) });
    await h.slack.waitFor(() => postsIn(h, "DADMIN12").length === 1);
    await h.bot.idle();
    const preview = postsIn(h, "DADMIN12")[0];
    const [importButton] = buttons(preview);
    const click = () =>
      h.send({
        form: buttonClick("import_upload_confirm", importButton.value, {
          user: ADMIN,
          channel: "DADMIN12",
          messageTs: String(preview?.response?.ts),
        }),
      });
    // As if Beacon had claimed the import and stopped before finishing it.
    await db.pool.query("UPDATE import_uploads SET status = 'importing', updated_at = now() WHERE id = $1", [
      importButton.value,
    ]);
    await click();
    await h.slack.waitFor(() =>
      h.slack
        .callsOf("chat.postEphemeral")
        .some((c) => c.args.channel === "DADMIN12" && String(c.args.text).includes("is being imported")),
    );
    await h.bot.idle();
    expect(
      (await db.pool.query("SELECT count(*)::int AS n FROM customers WHERE external_id LIKE 'RS-%'")).rows[0].n,
    ).toBe(0);
    await db.pool.query("UPDATE import_uploads SET updated_at = now() - interval '31 minutes' WHERE id = $1", [
      importButton.value,
    ]);
    await click();
    await h.slack.waitFor(() => postsIn(h, "DADMIN12").length === 2);
    await h.bot.idle();
    expect(
      (await db.pool.query("SELECT count(*)::int AS n FROM customers WHERE external_id LIKE 'RS-%'")).rows[0].n,
    ).toBe(3);
  });
});
