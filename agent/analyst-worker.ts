// Worker-thread entry: runs the analyst next to its own server connection pool, so the answering CPU work
// (LangChain, tools, grounding) never delays the main thread that acknowledges Slack within 3 seconds.
import { parentPort, workerData } from "node:worker_threads";
import type { Config } from "../config.ts";
import { openDatabase } from "../db/pool.ts";
import { createAnalyst } from "./analyst.ts";
import type { AskRequest } from "./types.ts";

/** Messages from the main thread. */
export type WorkerRequest =
  | { id: number; kind: "ask"; request: Omit<AskRequest, "onProgress" | "now"> & { now?: string } }
  | { id: number; kind: "rate"; runId: number; rating: 1 | -1; comment?: string };

/** Messages back: progress while answering, then exactly one result or error per request id. */
export type WorkerReply =
  | { id: number; kind: "progress"; status: string }
  | { id: number; kind: "result"; value: unknown }
  | { id: number; kind: "error"; code?: string; detail?: string; message: string };

const { config } = workerData as { config: Config };
const port = parentPort;
if (!port) throw new Error("analyst-worker.ts must run in a worker thread");
const db = await openDatabase({
  url: config.DATABASE_URL,
  readUrl: config.DATABASE_READ_URL,
  dataDir: config.BEACON_DATA_DIR,
});
const analyst = createAnalyst({ db, config });

port.on("message", async (message: WorkerRequest | { kind: "close" }) => {
  if (message.kind === "close") {
    await db.close();
    port.close();
    return;
  }
  const send = (reply: WorkerReply) => port.postMessage(reply);
  try {
    if (message.kind === "ask") {
      const { now, ...rest } = message.request;
      const answer = await analyst.ask({
        ...rest,
        now: now ? new Date(now) : undefined,
        onProgress: (status) => send({ id: message.id, kind: "progress", status }),
      });
      send({ id: message.id, kind: "result", value: answer });
    } else {
      await analyst.rate(message.runId, message.rating, message.comment);
      send({ id: message.id, kind: "result", value: null });
    }
  } catch (error) {
    const coded = error as { code?: string; detail?: string };
    send({ id: message.id, kind: "error", code: coded.code, detail: coded.detail, message: String(error) });
  }
});
port.postMessage({ id: 0, kind: "result", value: "ready" } satisfies WorkerReply);
