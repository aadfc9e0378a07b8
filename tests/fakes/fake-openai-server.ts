import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One scripted answer of the fake model, optionally delayed. */
export type ScriptedReply = (
  | { text: string }
  | { toolCalls: { name: string; args: unknown }[] }
  // `code`/`type` fill OpenAI's error body, e.g. 401 invalid_api_key or 404 model_not_found.
  | { status: number; retryAfterSeconds?: number; message?: string; code?: string; type?: string }
) & { delayMs?: number; usage?: { input: number; output: number } };

/** The parts of a chat-completions request the tests look at. */
export interface RecordedRequest {
  path: string;
  body: {
    model: string;
    messages: { role: string; content: unknown; tool_calls?: unknown[]; tool_call_id?: string }[];
    tools?: { type: string; function: { name: string; description?: string; parameters?: unknown } }[];
    [key: string]: unknown;
  };
  headers: Record<string, string | string[] | undefined>;
}

/** A local server speaking OpenAI's chat-completions protocol, driven by a script. */
export interface FakeOpenAI {
  /** Base URL for the openai SDK / ChatOpenAI (ends in /v1). */
  baseURL: string;
  /** Appends replies, served in order; an empty queue answers 500 so a missing script fails loudly. */
  enqueue(...replies: ScriptedReply[]): void;
  /** Replies computed from the request, used when the queue is empty (e.g. for benchmarks). */
  respondWith(responder: ((request: RecordedRequest) => ScriptedReply) | undefined): void;
  requests: RecordedRequest[];
  /** Replies not yet served. */
  pending(): number;
  close(): Promise<void>;
}

/** Starts the fake on 127.0.0.1 with a free port. */
export async function startFakeOpenAI(): Promise<FakeOpenAI> {
  const queue: ScriptedReply[] = [];
  const requests: RecordedRequest[] = [];
  let responder: ((request: RecordedRequest) => ScriptedReply) | undefined;
  let callCount = 0;

  const server = createServer(async (req, res) => {
    const raw = await readBody(req);
    const path = req.url ?? "";
    if (req.method !== "POST" || !path.endsWith("/chat/completions")) {
      return send(res, 404, {
        error: { message: `fake OpenAI: no route ${req.method} ${path}`, type: "invalid_request_error" },
      });
    }
    const recorded: RecordedRequest = { path, body: JSON.parse(raw), headers: req.headers };
    requests.push(recorded);
    const reply = queue.shift() ?? responder?.(recorded);
    if (!reply) {
      return send(res, 500, { error: { message: "fake OpenAI: no scripted reply left", type: "server_error" } });
    }
    if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
    if (res.destroyed) return;
    if ("status" in reply) {
      const headers: Record<string, string> = {};
      if (reply.retryAfterSeconds !== undefined) headers["retry-after"] = String(reply.retryAfterSeconds);
      return send(
        res,
        reply.status,
        {
          error: {
            message: reply.message ?? `scripted ${reply.status}`,
            type: reply.type ?? "server_error",
            ...(reply.code ? { code: reply.code } : {}),
          },
        },
        headers,
      );
    }
    callCount += 1;
    const usage = reply.usage ?? { input: 120, output: 30 };
    const message =
      "text" in reply
        ? { role: "assistant", content: reply.text }
        : {
            role: "assistant",
            content: null,
            tool_calls: reply.toolCalls.map((call, i) => ({
              id: `call_${callCount}_${i}`,
              type: "function",
              function: {
                name: call.name,
                arguments: typeof call.args === "string" ? call.args : JSON.stringify(call.args),
              },
            })),
          };
    send(res, 200, {
      id: `chatcmpl-fake-${callCount}`,
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      model: recorded.body.model,
      choices: [{ index: 0, message, finish_reason: "text" in reply ? "stop" : "tool_calls", logprobs: null }],
      usage: { prompt_tokens: usage.input, completion_tokens: usage.output, total_tokens: usage.input + usage.output },
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    enqueue: (...replies) => queue.push(...replies),
    respondWith: (fn) => {
      responder = fn;
    },
    requests,
    pending: () => queue.length,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}
