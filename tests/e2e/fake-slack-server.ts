import { createHmac } from "node:crypto";
import { createServer, type IncomingMessage, request, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One recorded Web API call (form or JSON arguments, JSON-looking fields decoded). */
export interface SlackCall {
  method: string;
  args: Record<string, unknown>;
  at: number;
  /** True when the fake answered 429 to this call. */
  rateLimited: boolean;
  /** What the fake answered. */
  response?: Record<string, unknown>;
}

/** A local Slack-compatible Web API: answers what Beacon calls, records every call, can answer 429. */
export interface FakeSlack {
  /** For SLACK_API_URL (ends in /api/). */
  apiUrl: string;
  calls: SlackCall[];
  /** Calls of one method that were answered normally. */
  callsOf(method: string): SlackCall[];
  /** The next `times` calls of `method` get 429 with Retry-After. */
  rateLimit(method: string, retryAfterSeconds: number, times?: number): void;
  /** From now on `method` answers `{ ok: false, error }`, as Slack does for e.g. invalid_auth. */
  failWith(method: string, error: string): void;
  /** The next `times` chat.postMessage / chat.update calls that carry blocks answer invalid_blocks, whatever the blocks. */
  rejectBlocks(times?: number): void;
  /** Bytes received by the upload URL, by file id. */
  uploads: Map<string, Buffer>;
  /**
   * Puts a file in the fake workspace as a user's upload: files.info describes it and its url_private_download
   * serves the bytes to the bot token only. Returns the file object as Slack puts it in a file_share event.
   */
  addFile(file: { name: string; content: Buffer | string; user: string; channel: string; size?: number }): SlackFile;
  /** Requests to the private download URLs: which file, and whether they carried the bot token. */
  downloads: { fileId: string; authorized: boolean }[];
  /** Streamed messages (chat.startStream…), by ts: what the user saw, in order. */
  streams: Map<string, FakeStream>;
  /** Resolves when `predicate` holds, polling; rejects after `timeoutMs` with what was recorded. */
  waitFor(predicate: (calls: SlackCall[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export const BOT_USER_ID = "UBEACON";

/** A streamed message as Slack assembles it from chat.startStream / appendStream / stopStream. */
export interface FakeStream {
  channel: string;
  threadTs: string;
  state: "streaming" | "stopped";
  /** Every chunk in arrival order (stopStream blocks are a final "blocks" chunk). */
  chunks: Record<string, unknown>[];
  /** The markdown text so far. */
  text: string;
  /** Latest state of each task by id. */
  tasks: Map<string, { title: string; status: string; output?: string }>;
  /** Blocks added by stopStream. */
  blocks: unknown[];
  startedAt: number;
}

/** A Slack file object (https://api.slack.com/types/file), the fields a hosted upload has. */
export type SlackFile = Record<string, unknown> & { id: string; name: string; size: number };

/** What Slack serves to a request for a private file without a valid token: its sign-in page. */
const SIGN_IN_PAGE = "<!DOCTYPE html><html><head><title>Slack</title></head><body>Sign in to Slack</body></html>";

/** Starts the fake on 127.0.0.1 with a free port; `botToken` is the token private file downloads accept. */
export async function startFakeSlack(botToken = "xoxb-test-token"): Promise<FakeSlack> {
  const calls: SlackCall[] = [];
  const uploads = new Map<string, Buffer>();
  const hosted = new Map<string, { file: SlackFile; content: Buffer }>();
  const downloads: { fileId: string; authorized: boolean }[] = [];
  const limits = new Map<string, { retryAfter: number; times: number }>();
  const failures = new Map<string, string>();
  let blockRejections = 0;
  const streams = new Map<string, FakeStream>();
  // Files whose upload was completed: image blocks may refer to them (slack_file) once Slack has processed them.
  const completed = new Set<string>();
  let ts = 1_700_000_000;
  let files = 0;
  let base = "";

  const server = createServer(async (req, res) => {
    const raw = await readBody(req);
    const url = req.url ?? "";
    if (url.startsWith("/files-pri/")) {
      serveFile(url, String(req.headers.authorization ?? ""), res);
      return;
    }
    if (url.startsWith("/signin")) {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end(SIGN_IN_PAGE);
      return;
    }
    if (url.startsWith("/upload/")) {
      uploads.set(url.slice("/upload/".length), fileContent(raw, String(req.headers["content-type"] ?? "")));
      res.writeHead(200, { "content-type": "text/plain" });
      res.end(`OK - ${raw.length}`);
      return;
    }
    const method = url.replace(/^\/api\//, "").split("?")[0] ?? "";
    const args = parseArgs(raw.toString("utf8"), String(req.headers["content-type"] ?? ""));
    const limit = limits.get(method);
    if (limit && limit.times > 0) {
      limit.times -= 1;
      calls.push({ method, args, at: Date.now(), rateLimited: true });
      res.writeHead(429, { "content-type": "application/json", "retry-after": String(limit.retryAfter) });
      res.end(JSON.stringify({ ok: false, error: "ratelimited" }));
      return;
    }
    const response = answer(method, args, String(req.headers.authorization ?? ""));
    calls.push({ method, args, at: Date.now(), rateLimited: false, response });
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(response));
  });

  // Slack's private file URLs: the bytes for the bot token; anyone else is redirected to the sign-in page.
  function serveFile(url: string, authorization: string, res: ServerResponse): void {
    const fileId = /^\/files-pri\/T1-([^/]+)\//.exec(url)?.[1] ?? "";
    const authorized = authorization === `Bearer ${botToken}`;
    downloads.push({ fileId, authorized });
    const stored = hosted.get(fileId);
    if (!authorized) {
      res.writeHead(302, { location: `${base}signin?redir=${encodeURIComponent(url)}` });
      res.end();
      return;
    }
    if (!stored) {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("file not found");
      return;
    }
    res.writeHead(200, {
      "content-type": String(stored.file.mimetype),
      "content-length": stored.content.length,
      // RFC 6266 / 5987: a file name in UTF-8 (中文 names) goes in filename*.
      "content-disposition": `attachment; filename*=UTF-8''${encodeURIComponent(stored.file.name)}`,
    });
    res.end(stored.content);
  }

  function answer(method: string, args: Record<string, unknown>, authorization: string): Record<string, unknown> {
    const failure = failures.get(method);
    if (failure) return { ok: false, error: failure };
    switch (method) {
      case "files.info": {
        if (authorization !== `Bearer ${botToken}`) return { ok: false, error: "invalid_auth" };
        const stored = hosted.get(String(args.file ?? ""));
        if (!stored) return { ok: false, error: "file_not_found" };
        return { ok: true, file: stored.file, comments: [], response_metadata: { next_cursor: "" } };
      }
      case "chat.update": {
        // chat.update checks blocks like chat.postMessage (an empty array clears them) and can refuse on demand.
        const refused = sizeError(args) ?? newBlockError(args.blocks);
        if (refused) return { ok: false, error: refused.error, errors: [refused.why] };
        if (Array.isArray(args.blocks) && args.blocks.length > 0 && blockRejections > 0) {
          blockRejections -= 1;
          return { ok: false, error: "invalid_blocks", errors: ["rejected by the test"] };
        }
        return { ok: true, channel: args.channel, ts: args.ts, text: args.text, message: { text: args.text } };
      }
      case "auth.test":
        return {
          ok: true,
          url: "https://beacon-test.slack.com/",
          team: "Test",
          team_id: "T1",
          user: "beacon",
          user_id: BOT_USER_ID,
          bot_id: "BBEACON",
        };
      case "chat.startStream":
      case "chat.appendStream":
      case "chat.stopStream":
        return streamCall(method, args);
      case "chat.postMessage": {
        const refused = sizeError(args) ?? newBlockError(args.blocks);
        if (refused) return { ok: false, error: refused.error, errors: [refused.why] };
        if (args.blocks && blockRejections > 0) {
          blockRejections -= 1;
          return { ok: false, error: "invalid_blocks", errors: ["rejected by the test"] };
        }
        ts += 1;
        // A user id as channel posts in the app's DM with that user; Slack answers with the DM's id.
        return {
          ok: true,
          channel: String(args.channel).replace(/^U/, "D"),
          ts: `${ts}.000100`,
          message: { text: args.text },
        };
      }
      case "views.publish": {
        // Slack refuses an image whose slack_file it cannot use (unknown, or an upload not processed yet).
        const view = args.view as { blocks?: { slack_file?: { id?: string } }[] } | undefined;
        const unknown = (view?.blocks ?? []).find((b) => b.slack_file && !completed.has(String(b.slack_file.id)));
        if (unknown) return { ok: false, error: "invalid_blocks", errors: ["invalid slack file"] };
        return { ok: true, view: { id: `VHOME${calls.length}`, type: "home", ...view } };
      }
      case "chat.postEphemeral":
        return { ok: true, message_ts: `${ts}.000200` };
      case "views.open":
        return { ok: true, view: { id: `V${calls.length}` } };
      case "files.getUploadURLExternal": {
        files += 1;
        const id = `F${files}`;
        return { ok: true, upload_url: `${base}upload/${id}`, file_id: id };
      }
      case "files.completeUploadExternal": {
        const list = (args.files as { id: string; title?: string }[] | undefined) ?? [];
        for (const f of list) completed.add(f.id);
        return { ok: true, files: list.map((f) => ({ id: f.id, title: f.title })) };
      }
      default:
        return { ok: true };
    }
  }

  // chat.*Stream as documented (docs.slack.dev/reference/methods/chat.startStream): a stream replies in a thread, needs
  // the recipient outside a DM, takes markdown_text up to 12,000 characters and valid chunks, and ends once.
  function streamCall(method: string, args: Record<string, unknown>): Record<string, unknown> {
    const channel = String(args.channel ?? "");
    if (!channel) return { ok: false, error: "channel_not_found" };
    const chunks = (Array.isArray(args.chunks) ? args.chunks : []) as Record<string, unknown>[];
    const markdown = typeof args.markdown_text === "string" ? args.markdown_text : "";
    if (markdown.length > 12_000) return { ok: false, error: "msg_too_long" };
    const bad = chunks.map(chunkError).find(Boolean);
    if (bad) return { ok: false, error: bad === "invalid_blocks" ? bad : "invalid_chunks", errors: [bad] };
    if (method === "chat.startStream") {
      if (!args.thread_ts) return { ok: false, error: "invalid_arguments", errors: ["thread_ts is required"] };
      if (!channel.startsWith("D") && (!args.recipient_user_id || !args.recipient_team_id))
        return { ok: false, error: "missing_recipient_user_id" };
      ts += 1;
      const id = `${ts}.000100`;
      streams.set(id, {
        channel,
        threadTs: String(args.thread_ts),
        state: "streaming",
        chunks: [],
        text: "",
        tasks: new Map(),
        blocks: [],
        startedAt: Date.now(),
      });
      absorb(streams.get(id) as FakeStream, chunks, markdown);
      return { ok: true, channel, ts: id };
    }
    const stream = streams.get(String(args.ts ?? ""));
    if (!stream || stream.channel !== channel) return { ok: false, error: "message_not_found" };
    if (stream.state !== "streaming") return { ok: false, error: "message_not_in_streaming_state" };
    if (method === "chat.appendStream" && !markdown && chunks.length === 0)
      return { ok: false, error: "invalid_arguments", errors: ["markdown_text or chunks is required"] };
    if (method === "chat.stopStream") {
      const blocks = Array.isArray(args.blocks) ? args.blocks : [];
      const refused = newBlockError(blocks) ?? sizeError({ blocks });
      if (refused) return { ok: false, error: refused.error, errors: [refused.why] };
      if (blockRejections > 0 && blocks.length > 0) {
        blockRejections -= 1;
        return { ok: false, error: "invalid_blocks", errors: ["rejected by the test"] };
      }
      absorb(stream, chunks, markdown);
      stream.blocks = blocks;
      if (blocks.length > 0) stream.chunks.push({ type: "blocks", blocks, final: true });
      stream.state = "stopped";
      return { ok: true, channel, ts: args.ts, message: { text: stream.text } };
    }
    absorb(stream, chunks, markdown);
    return { ok: true, channel, ts: args.ts };
  }

  function absorb(stream: FakeStream, chunks: Record<string, unknown>[], markdown: string): void {
    const all = markdown ? [{ type: "markdown_text", text: markdown }, ...chunks] : chunks;
    for (const chunk of all) {
      stream.chunks.push(chunk);
      if (chunk.type === "markdown_text") stream.text += String(chunk.text);
      if (chunk.type === "task_update") {
        stream.tasks.set(String(chunk.id), {
          title: String(chunk.title),
          status: String(chunk.status),
          ...(chunk.output ? { output: String(chunk.output) } : {}),
        });
      }
    }
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  base = `http://127.0.0.1:${port}/`;
  return {
    apiUrl: `${base}api/`,
    calls,
    callsOf: (method) => calls.filter((c) => c.method === method && !c.rateLimited),
    rateLimit: (method, retryAfter, times = 1) => limits.set(method, { retryAfter, times }),
    failWith: (method, error) => failures.set(method, error),
    rejectBlocks: (times = 1) => {
      blockRejections = times;
    },
    uploads,
    downloads,
    streams,
    addFile({ name, content, user, channel, size }) {
      files += 1;
      const id = `F0UP${files}`;
      const bytes = Buffer.isBuffer(content) ? content : Buffer.from(content, "utf8");
      const extension = name.split(".").pop()?.toLowerCase() ?? "";
      const kind = FILE_KINDS[extension] ?? {
        filetype: "binary",
        mimetype: "application/octet-stream",
        pretty: "Binary",
      };
      const created = Math.floor(Date.now() / 1000);
      const file: SlackFile = {
        id,
        created,
        timestamp: created,
        name,
        title: name,
        mimetype: kind.mimetype,
        filetype: kind.filetype,
        pretty_type: kind.pretty,
        user,
        user_team: "T1",
        editable: false,
        size: size ?? bytes.length,
        mode: "hosted",
        is_external: false,
        external_type: "",
        is_public: false,
        public_url_shared: false,
        display_as_bot: false,
        username: "",
        url_private: `${base}files-pri/T1-${id}/${encodeURIComponent(name)}`,
        url_private_download: `${base}files-pri/T1-${id}/download/${encodeURIComponent(name)}`,
        permalink: `https://beacon-test.slack.com/files/${user}/${id}/${encodeURIComponent(name)}`,
        permalink_public: `https://slack-files.com/T1-${id}-0000000000`,
        channels: [],
        groups: [],
        ims: [channel],
        comments_count: 0,
        has_rich_preview: false,
        file_access: "visible",
      };
      hosted.set(id, { file, content: bytes });
      return file;
    },
    async waitFor(predicate, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(calls)) {
        if (Date.now() > deadline) {
          throw new Error(
            `fake Slack: condition not met in ${timeoutMs} ms; calls: ${calls.map((c) => c.method).join(", ")}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * What Slack answers for a message over its limits (https://docs.slack.dev/reference/block-kit/blocks): section text
 * over 3,000 characters, a header over 150, more than 50 blocks -> invalid_blocks; block text past ~13,200 characters
 * -> msg_blocks_too_long (slackapi/bolt-js#2509); message text over 40,000 -> msg_too_long.
 */
function sizeError(args: Record<string, unknown>): { error: string; why: string } | null {
  if (String(args.text ?? "").length > 40_000) return { error: "msg_too_long", why: "text over 40,000 characters" };
  const blocks = Array.isArray(args.blocks) ? (args.blocks as { type?: string; text?: { text?: string } }[]) : [];
  if (blocks.length > 50) return { error: "invalid_blocks", why: `${blocks.length} blocks, max 50` };
  for (const [i, block] of blocks.entries()) {
    const length = String(block.text?.text ?? "").length;
    if (block.type === "section" && length > 3000) return { error: "invalid_blocks", why: `[${i}] section ${length}` };
    if (block.type === "header" && length > 150) return { error: "invalid_blocks", why: `[${i}] header ${length}` };
  }
  const texts = JSON.stringify(blocks).match(/"text":"(?:[^"\\]|\\.)*"/g) ?? [];
  const chars = texts.reduce((sum, t) => sum + JSON.parse(t.slice(7)).length, 0);
  return chars > 13_200 ? { error: "msg_blocks_too_long", why: `${chars} characters of block text` } : null;
}

const TASK_STATUSES = new Set(["pending", "in_progress", "complete", "error"]);

/** Why a streaming chunk is invalid (Slack: invalid_chunks, or invalid_blocks for a blocks chunk), or null. */
function chunkError(chunk: Record<string, unknown>): string | null {
  switch (chunk.type) {
    case "markdown_text":
      return typeof chunk.text === "string" ? null : "markdown_text without text";
    case "plan_update":
      return typeof chunk.title === "string" && chunk.title !== "" ? null : "plan_update without title";
    case "task_update":
      if (typeof chunk.id !== "string" || typeof chunk.title !== "string") return "task_update needs id and title";
      return TASK_STATUSES.has(String(chunk.status)) ? null : `task_update status ${String(chunk.status)}`;
    case "blocks": {
      const blocks = Array.isArray(chunk.blocks) ? chunk.blocks : [];
      if (blocks.length === 0 || blocks.length > 50) return "invalid_blocks";
      return newBlockError(blocks) ? "invalid_blocks" : null;
    }
    default:
      return `unknown chunk type ${String(chunk.type)}`;
  }
}

/**
 * The newer block types checked as Slack documents them (docs.slack.dev/reference/block-kit/blocks): a table has
 * 1-100 rows of 1-20 raw_text / rich_text / raw_number cells and at most one table a message; context_actions holds
 * 1-5 feedback_buttons / icon_button elements, each feedback button with plain_text text (<= 75) and a value
 * (<= 2,000); an alert has a text object and a known level. Written apart from bot/render/slack-limits.ts on
 * purpose: the bot's own checks must not be what judges them.
 */
function newBlockError(blocks: unknown): { error: string; why: string } | null {
  if (!Array.isArray(blocks)) return null;
  // biome-ignore lint/suspicious/noExplicitAny: Block Kit JSON is checked field by field.
  const list = blocks as any[];
  const refuse = (why: string) => ({ error: "invalid_blocks", why });
  if (list.filter((b) => b?.type === "table").length > 1) return { error: "only_one_table_allowed", why: "two tables" };
  for (const [i, b] of list.entries()) {
    if (b?.type === "table") {
      const rows = b.rows;
      if (!Array.isArray(rows) || rows.length < 1 || rows.length > 100) return refuse(`[${i}] table rows`);
      for (const row of rows) {
        if (!Array.isArray(row) || row.length < 1 || row.length > 20) return refuse(`[${i}] table cells`);
        for (const cell of row) {
          if (!["raw_text", "rich_text", "raw_number"].includes(cell?.type)) return refuse(`[${i}] cell type`);
          if (cell.type === "raw_text" && (typeof cell.text !== "string" || cell.text.length < 1))
            return refuse(`[${i}] empty raw_text`);
        }
      }
      if (b.column_settings !== undefined && (!Array.isArray(b.column_settings) || b.column_settings.length > 20))
        return refuse(`[${i}] column_settings`);
    }
    if (b?.type === "context_actions") {
      const elements = b.elements;
      if (!Array.isArray(elements) || elements.length < 1 || elements.length > 5) return refuse(`[${i}] elements`);
      for (const e of elements) {
        if (e?.type === "icon_button") continue;
        if (e?.type !== "feedback_buttons") return refuse(`[${i}] element ${e?.type}`);
        for (const button of [e.positive_button, e.negative_button]) {
          if (button?.text?.type !== "plain_text" || typeof button.text.text !== "string")
            return refuse(`[${i}] feedback button text`);
          if (button.text.text.length > 75) return refuse(`[${i}] feedback button text over 75`);
          if (typeof button.value !== "string" || button.value.length > 2000) return refuse(`[${i}] feedback value`);
        }
      }
    }
    if (b?.type === "alert") {
      if (typeof b.text?.text !== "string" || !["mrkdwn", "plain_text"].includes(b.text.type))
        return refuse(`[${i}] alert text`);
      if (b.level !== undefined && !["default", "info", "warning", "error", "success"].includes(b.level))
        return refuse(`[${i}] alert level`);
    }
  }
  return null;
}

/** Slack's filetype, mimetype and pretty_type by extension, for the files tests share. */
const FILE_KINDS: Record<string, { filetype: string; mimetype: string; pretty: string }> = {
  csv: { filetype: "csv", mimetype: "text/csv", pretty: "CSV" },
  tsv: { filetype: "tsv", mimetype: "text/tab-separated-values", pretty: "TSV" },
  txt: { filetype: "text", mimetype: "text/plain", pretty: "Plain Text" },
  xlsx: {
    filetype: "xlsx",
    mimetype: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    pretty: "Excel Spreadsheet",
  },
  png: { filetype: "png", mimetype: "image/png", pretty: "PNG" },
};

/** The file bytes of an upload: the first part of a multipart body, or the raw body. */
function fileContent(raw: Buffer, contentType: string): Buffer {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
  if (!boundary) return raw;
  const marker = `--${boundary[1] ?? boundary[2]}`;
  const start = raw.indexOf("\r\n\r\n", raw.indexOf(marker)) + 4;
  const end = raw.indexOf(`\r\n${marker}`, start);
  return raw.subarray(start, end < 0 ? raw.length : end);
}

function parseArgs(raw: string, contentType: string): Record<string, unknown> {
  if (raw === "") return {};
  if (contentType.includes("application/json")) return JSON.parse(raw) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    out[key] = /^[[{]/.test(value) ? safeJson(value) : value;
  }
  return out;
}

function safeJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** Slack's v0 request signature for a raw body. */
export function signSlackRequest(secret: string, body: string, timestamp = Math.floor(Date.now() / 1000)) {
  const signature = `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
  return { "x-slack-signature": signature, "x-slack-request-timestamp": String(timestamp) };
}

/** Posts a signed request to the bot the way Slack does; `form` bodies for commands and interactions. */
export async function sendToBot(
  url: string,
  secret: string,
  payload: { json?: unknown; form?: Record<string, string> },
  extraHeaders: Record<string, string> = {},
  timestamp?: number,
): Promise<{ status: number; body: string; ms: number }> {
  const isJson = payload.json !== undefined;
  const body = isJson ? JSON.stringify(payload.json) : new URLSearchParams(payload.form).toString();
  const started = performance.now();
  // A fresh connection per request (as Slack's senders do), so no request races a keep-alive socket being closed.
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: "POST",
        agent: false,
        headers: {
          "content-type": isJson ? "application/json" : "application/x-www-form-urlencoded",
          "content-length": Buffer.byteLength(body),
          ...signSlackRequest(secret, body, timestamp),
          ...extraHeaders,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString("utf8"),
            ms: performance.now() - started,
          }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}
