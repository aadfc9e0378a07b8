import { Worker } from "node:worker_threads";
import type { Config } from "../config.ts";
import { AppError, type ErrorCode } from "../errors.ts";
import type { WorkerReply, WorkerRequest } from "./analyst-worker.ts";
import type { AgentAnswer, Analyst, AskRequest } from "./types.ts";

/** An Analyst whose work runs in a worker thread, plus a way to stop it. */
export interface WorkerAnalyst extends Analyst {
  close(): Promise<void>;
}

/**
 * Starts the analyst in a worker thread with its own connection pool (server databases only: the embedded
 * PGlite lives in one thread). Progress callbacks and errors cross the thread boundary as messages.
 */
export async function startWorkerAnalyst(config: Config): Promise<WorkerAnalyst> {
  if (!config.DATABASE_URL) throw new Error("the worker analyst needs a server database (DATABASE_URL)");
  // Compiled (dist/, see cli/build.js) the worker loads its compiled sibling; from the TypeScript sources (vitest,
  // tsx) it registers tsx itself, so the entry loads the same way everywhere.
  const compiled = import.meta.url.endsWith(".js");
  const entry = new URL(compiled ? "./analyst-worker.js" : "./analyst-worker.ts", import.meta.url).href;
  const bootstrap = compiled
    ? `import(${JSON.stringify(entry)})`
    : `import("tsx/esm/api").then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); })`;
  const worker = new Worker(bootstrap, { eval: true, workerData: { config } });
  const pending = new Map<
    number,
    { resolve(value: unknown): void; reject(error: Error): void; progress?(s: string): void }
  >();
  let nextId = 1;
  await new Promise<void>((resolve, reject) => {
    worker.once("message", () => resolve());
    worker.once("error", reject);
  });
  worker.on("message", (reply: WorkerReply) => {
    const waiter = pending.get(reply.id);
    if (!waiter) return;
    if (reply.kind === "progress") return waiter.progress?.(reply.status);
    pending.delete(reply.id);
    if (reply.kind === "result") waiter.resolve(reply.value);
    else waiter.reject(reply.code ? new AppError(reply.code as ErrorCode, reply.detail) : new Error(reply.message));
  });
  worker.on("error", (error) => {
    for (const waiter of pending.values()) waiter.reject(new AppError("internal", String(error)));
    pending.clear();
  });
  const call = <T>(
    message: Omit<WorkerRequest, "id"> & { kind: WorkerRequest["kind"] },
    progress?: (s: string) => void,
  ) =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject, progress });
      worker.postMessage({ ...message, id });
    });
  return {
    modelConfigured: Boolean(config.OPENAI_API_KEY),
    ask(request: AskRequest) {
      // An AbortSignal cannot cross the thread boundary; Slack, the only user of the worker, never cancels.
      const { onProgress, now, signal: _signal, ...rest } = request;
      return call<AgentAnswer>(
        { kind: "ask", request: { ...rest, now: now?.toISOString() } } as Omit<WorkerRequest, "id">,
        onProgress,
      );
    },
    async rate(runId, rating, comment) {
      await call<null>({ kind: "rate", runId, rating, comment } as Omit<WorkerRequest, "id">);
    },
    async close() {
      worker.postMessage({ kind: "close" });
      await new Promise<void>((resolve) => worker.once("exit", () => resolve()));
    },
  };
}
