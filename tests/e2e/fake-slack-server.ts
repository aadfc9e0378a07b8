import { createHmac } from "node:crypto";
import { createServer, type IncomingMessage, request } from "node:http";
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
  /** Bytes received by the upload URL, by file id. */
  uploads: Map<string, Buffer>;
  /** Resolves when `predicate` holds, polling; rejects after `timeoutMs` with what was recorded. */
  waitFor(predicate: (calls: SlackCall[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export const BOT_USER_ID = "UBEACON";

/** Starts the fake on 127.0.0.1 with a free port. */
export async function startFakeSlack(): Promise<FakeSlack> {
  const calls: SlackCall[] = [];
  const uploads = new Map<string, Buffer>();
  const limits = new Map<string, { retryAfter: number; times: number }>();
  const failures = new Map<string, string>();
  let ts = 1_700_000_000;
  let files = 0;
  let base = "";

  const server = createServer(async (req, res) => {
    const raw = await readBody(req);
    const url = req.url ?? "";
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
    const response = answer(method, args);
    calls.push({ method, args, at: Date.now(), rateLimited: false, response });
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(response));
  });

  function answer(method: string, args: Record<string, unknown>): Record<string, unknown> {
    const failure = failures.get(method);
    if (failure) return { ok: false, error: failure };
    switch (method) {
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
      case "chat.postMessage":
        ts += 1;
        return { ok: true, channel: args.channel, ts: `${ts}.000100`, message: { text: args.text } };
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
        return { ok: true, files: list.map((f) => ({ id: f.id, title: f.title })) };
      }
      default:
        return { ok: true };
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
    uploads,
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
