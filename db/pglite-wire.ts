import type { BackendMessage } from "pg-protocol/dist/messages";
import { Parser } from "pg-protocol/dist/parser";
import { DeadlineExceeded, type PgliteHost } from "./pglite-host.ts";

/**
 * How much longer than its statement_timeout a statement may run before its worker is terminated. PGlite never
 * interrupts a statement itself (its timers cannot fire inside WebAssembly), so the watchdog is the timeout.
 */
const DEADLINE_GRACE_MS = 250;

/** `SET [LOCAL | SESSION] statement_timeout {= | TO} <value>` and `RESET statement_timeout`, as one statement. */
const SET_TIMEOUT = /^\s*SET\s+(LOCAL\s+|SESSION\s+)?statement_timeout\s*(?:=|TO)\s*'?([^';\s]+)'?\s*;?\s*$/i;
const END_TRANSACTION = /^\s*(ROLLBACK|ABORT|COMMIT|END)\s*;?\s*$/i;
const RESET_TIMEOUT = /^\s*RESET\s+statement_timeout\s*;?\s*$/i;

/**
 * What @electric-sql/pglite/node-postgres needs of a PGlite instance, implemented over a PgliteHost: the pg.Pool
 * API stays the same while the database runs in a worker thread. It also gives PGlite a working statement_timeout:
 * it follows `SET [LOCAL] statement_timeout` sent as a simple query (how Beacon sets it) and a statement that runs
 * past it is stopped by the host's deadline and answered, as PostgreSQL would, with SQLSTATE 57014. The session
 * then starts afresh in a new worker, so the transaction it was in is gone (reported as idle).
 */
export class PgliteWire {
  /** statement_timeout in ms set for the session (0: none). */
  private sessionTimeoutMs = 0;
  /** SET LOCAL value, in force until the transaction ends. */
  private localTimeoutMs: number | undefined;
  /** Extended-protocol messages held until a Sync or Flush, so one query costs one round trip to the worker. */
  private held: Uint8Array[] = [];
  /** After a stopped statement inside an extended-protocol batch, PostgreSQL ignores messages until Sync. */
  private discardUntilSync = false;
  /**
   * Set when a stopped statement restarted the session: it is outside any transaction, so the caller's ROLLBACK is
   * answered here at once instead of waiting for the new worker to open the database.
   */
  private transactionGone = false;

  constructor(private readonly host: PgliteHost) {}

  get waitReady(): Promise<void> {
    return this.host.waitReady();
  }

  async execProtocolStream(message: Uint8Array, _options?: unknown): Promise<BackendMessage[]> {
    const type = String.fromCharCode(message[0] ?? 0);
    if (this.discardUntilSync && type !== "S") return [];
    if (type !== "Q" && type !== "S" && type !== "H") {
      this.held.push(message);
      return [];
    }
    if (type === "Q") {
      const sql = queryText(message);
      const ended = this.transactionGone && END_TRANSACTION.test(sql);
      this.transactionGone = false;
      if (ended) return parse(concat([commandComplete("ROLLBACK"), readyForQueryIdle()]));
      this.noteTimeout(sql);
    }
    const bytes = concat([...this.held, message]);
    this.held = [];
    if (this.discardUntilSync) {
      this.discardUntilSync = false;
      this.localTimeoutMs = undefined;
      return parse(readyForQueryIdle());
    }
    const timeoutMs = this.localTimeoutMs ?? this.sessionTimeoutMs;
    try {
      const answer = parse(await this.host.exec(bytes, timeoutMs > 0 ? timeoutMs + DEADLINE_GRACE_MS : undefined));
      const ready = answer.findLast((m) => m.name === "readyForQuery") as { status?: string } | undefined;
      if (ready?.status === "I") this.localTimeoutMs = undefined;
      return answer;
    } catch (error) {
      if (!(error instanceof DeadlineExceeded)) throw error;
      // The new worker's session is outside any transaction, with the server's default settings.
      this.localTimeoutMs = undefined;
      this.sessionTimeoutMs = 0;
      this.transactionGone = true;
      const stopped = statementTimeoutError(timeoutMs);
      if (type === "H") {
        this.discardUntilSync = true;
        return parse(stopped);
      }
      return parse(concat([stopped, readyForQueryIdle()]));
    }
  }

  private noteTimeout(sql: string): void {
    if (RESET_TIMEOUT.test(sql)) {
      this.sessionTimeoutMs = 0;
      return;
    }
    const match = SET_TIMEOUT.exec(sql);
    if (!match) return;
    const ms = timeoutMs(match[2] ?? "");
    if (ms === undefined) return;
    if (match[1]?.trim().toUpperCase() === "LOCAL") this.localTimeoutMs = ms;
    else this.sessionTimeoutMs = ms;
  }
}

/** PostgreSQL's units for statement_timeout; a bare number is milliseconds. */
function timeoutMs(value: string): number | undefined {
  if (/^default$/i.test(value)) return 0;
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|min|h)?$/i.exec(value);
  if (!match) return undefined;
  const factor = { ms: 1, s: 1000, min: 60_000, h: 3_600_000 }[(match[2] ?? "ms").toLowerCase()] ?? 1;
  return Math.round(Number(match[1]) * factor);
}

/** The text of a simple-query ('Q') message: type byte, 4-byte length, NUL-terminated text. */
function queryText(message: Uint8Array): string {
  return Buffer.from(message.buffer, message.byteOffset + 5, Math.max(0, message.length - 6)).toString("utf8");
}

function parse(bytes: Uint8Array): BackendMessage[] {
  const messages: BackendMessage[] = [];
  new Parser().parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length), (m) => messages.push(m));
  return messages;
}

function concat(parts: Uint8Array[]): Uint8Array {
  return parts.length === 1 ? (parts[0] as Uint8Array) : Buffer.concat(parts);
}

/** The ErrorResponse PostgreSQL sends when statement_timeout cancels a statement. */
function statementTimeoutError(timeoutMs: number): Uint8Array {
  const fields: [string, string][] = [
    ["S", "ERROR"],
    ["V", "ERROR"],
    ["C", "57014"],
    ["M", "canceling statement due to statement timeout"],
    ["D", `The statement ran longer than ${timeoutMs} ms; the embedded database was restarted to stop it.`],
  ];
  const body = Buffer.concat([
    ...fields.map(([key, value]) => Buffer.from(`${key}${value}\0`, "utf8")),
    Buffer.from([0]),
  ]);
  return backendMessage("E", body);
}

function commandComplete(tag: string): Uint8Array {
  return backendMessage("C", Buffer.from(`${tag}\0`, "utf8"));
}

function readyForQueryIdle(): Uint8Array {
  return backendMessage("Z", Buffer.from("I"));
}

function backendMessage(type: string, body: Buffer): Uint8Array {
  const header = Buffer.alloc(5);
  header.write(type, 0, "ascii");
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}
