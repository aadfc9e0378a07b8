import { Worker } from "node:worker_threads";

/** What the worker thread (db/pglite-worker.js) sends back. */
type WorkerReply =
  | { kind: "ready" }
  | { id: number; kind: "result"; bytes?: Uint8Array }
  | { id: number; kind: "error"; message: string; code?: string };

interface Pending {
  resolve(bytes: Uint8Array | undefined): void;
  reject(error: Error): void;
}

/** A call the watchdog stopped: the worker was terminated and a fresh one is starting on the same data. */
export class DeadlineExceeded extends Error {
  constructor(readonly deadlineMs: number) {
    super(`stopped after ${deadlineMs} ms`);
    this.name = "DeadlineExceeded";
  }
}

/**
 * Runs the embedded PGlite in a worker thread that owns the only instance of the data directory, so a long query
 * never blocks the main thread (Slack requests, health checks, signals), and a call that outlives its deadline is
 * stopped the only way WebAssembly can be: the worker is terminated, and a new one opens the same directory
 * (PostgreSQL's crash recovery makes it consistent, as after kill -9). Calls run one at a time, as PGlite requires.
 */
export class PgliteHost {
  private worker!: Worker;
  private ready!: Promise<void>;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closing = false;
  private isReady = false;
  /** How many times the worker was replaced after a deadline or a crash (tests and logs read it). */
  restarts = 0;

  constructor(private readonly location: string) {
    this.start();
  }

  /** Resolves once the current worker has opened the database; rejects if it could not. */
  waitReady(): Promise<void> {
    return this.ready;
  }

  /**
   * Sends wire-protocol bytes to PGlite and returns its raw answer. With `deadlineMs`, a call still running then
   * terminates the worker, starts a new one and rejects with DeadlineExceeded.
   */
  async exec(bytes: Uint8Array, deadlineMs?: number): Promise<Uint8Array> {
    // A copy of its own: pg's buffers are views into Node's shared pool, which must never be transferred away.
    const own = new Uint8Array(bytes);
    return (await this.call({ kind: "exec", bytes: own }, deadlineMs, [own.buffer])) ?? new Uint8Array();
  }

  /** PGlite's COPY ... FROM '/dev/blob' with `text` as the blob, in the session's open transaction. */
  async copy(sql: string, text: string): Promise<void> {
    await this.call({ kind: "copy", sql, text });
  }

  /** Closes the database cleanly (waits up to `graceMs`), then ends the thread. */
  async close(graceMs = 5000): Promise<void> {
    this.closing = true;
    // A worker still opening the database (a restart after a deadline) has nothing to flush.
    if (!this.isReady) {
      await this.worker.terminate();
      return;
    }
    const closed = this.call({ kind: "close" }).catch(() => undefined);
    const timer = new Promise((resolve) => setTimeout(resolve, graceMs).unref());
    await Promise.race([closed, timer]);
    await this.worker.terminate();
  }

  private start(): void {
    const worker = new Worker(new URL("./pglite-worker.js", import.meta.url), {
      workerData: { location: this.location },
    });
    this.worker = worker;
    this.isReady = false;
    this.ready = new Promise<void>((resolve, reject) => {
      worker.once("message", () => {
        this.isReady = this.worker === worker;
        resolve();
      });
      worker.once("error", reject);
    });
    this.ready.catch(() => undefined); // reported to whoever awaits it; not an unhandled rejection meanwhile
    worker.on("message", (reply: WorkerReply) => {
      if (reply.kind === "ready") return;
      const waiter = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (reply.kind === "result") waiter?.resolve(reply.bytes);
      else waiter?.reject(Object.assign(new Error(reply.message), { code: reply.code }));
    });
    worker.on("exit", (code) => {
      if (this.worker !== worker) return; // a replaced worker: its callers were already answered
      for (const waiter of this.pending.values()) waiter.reject(new Error(`the PGlite worker exited (code ${code})`));
      this.pending.clear();
      if (!this.closing) this.replace();
    });
  }

  /** Starts a fresh worker on the same data; the old one is terminated (its callers get their errors first). */
  private replace(): void {
    this.restarts += 1;
    for (const waiter of this.pending.values()) waiter.reject(new Error("the PGlite worker was restarted"));
    this.pending.clear();
    const old = this.worker;
    this.start();
    void old.terminate();
  }

  private async call(
    message: { kind: string; [key: string]: unknown },
    deadlineMs?: number,
    transfer: ArrayBuffer[] = [],
  ): Promise<Uint8Array | undefined> {
    await this.ready;
    const id = this.nextId++;
    const worker = this.worker;
    const answer = new Promise<Uint8Array | undefined>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    worker.postMessage({ ...message, id }, transfer);
    if (deadlineMs === undefined) return answer;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<"expired">((resolve) => {
      timer = setTimeout(() => resolve("expired"), deadlineMs);
    });
    try {
      const outcome = await Promise.race([answer, expired]);
      if (outcome !== "expired") return outcome;
    } finally {
      clearTimeout(timer);
    }
    this.pending.delete(id);
    answer.catch(() => undefined);
    // Answered at once; the next call waits until the new worker has opened the database.
    this.replace();
    throw new DeadlineExceeded(deadlineMs);
  }
}
