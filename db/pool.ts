import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import v8 from "node:v8";
import type { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { PgliteHost } from "./pglite-host.ts";
import { type EmbeddedPglite, openPgliteOnThisThread } from "./pglite-same-thread.ts";
import { PgliteWire } from "./pglite-wire.ts";

// NUMERIC and BIGINT come back as strings by default; analytics wants numbers. Values beyond 2^53
// are not expected for counts or money in this product, and int8 ids stay exact below 2^53.
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number.parseFloat(v));
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number.parseInt(v, 10));
// Dates stay as 'YYYY-MM-DD' strings: a JS Date would shift them by the process time zone.
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);
// A timestamp without time zone is a wall-clock time (e.g. `ordered_at AT TIME ZONE 'Asia/Shanghai'`): as a JS Date
// it would be read in the process zone and shift (5 March 00:00 became 2026-03-04T16:00:00Z). Kept as ISO text.
pg.types.setTypeParser(pg.types.builtins.TIMESTAMP, (v) => v.replace(" ", "T"));

/** Anything that can run a parameterised query: a pool or a checked-out client. */
export type Queryable = Pick<pg.ClientBase, "query">;

export type DatabaseKind = "pglite" | "postgres";

/** The one database handle Beacon uses: a pg.Pool, whatever the engine behind it. */
export interface Database {
  readonly pool: pg.Pool;
  /**
   * Where read-only analytics run: the streaming replica when one is configured (OpenOptions.readUrl), else `pool`.
   * Writes, the audit log and anything that must see its own writes use `pool`.
   */
  readonly readPool: pg.Pool;
  readonly kind: DatabaseKind;
  /** Human-readable location (data dir or URL without password). */
  readonly label: string;
  /**
   * Bulk-loads rows in COPY text format (tab-separated, `\N` for null, one row per line) into
   * `table (columns)` on `client`, inside whatever transaction the client has open.
   */
  copyText(client: pg.PoolClient, table: string, columns: readonly string[], text: string): Promise<void>;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** postgres:// URL of a server; when absent the embedded PGlite is used. */
  url?: string;
  /** postgres:// URL of a streaming replica of `url` for read-only analytics (DATABASE_READ_URL). */
  readUrl?: string;
  /** PGlite data directory, or "memory://" for a throwaway in-memory database. */
  dataDir?: string;
  /** Server pool size. */
  maxConnections?: number;
  /**
   * The process runs a few queries and exits (`beacon tool`). PGlite's 9 MB of WebAssembly then runs on V8's baseline
   * code only: its optimising tier-up compiled hot PostgreSQL functions on background threads for about 1 s of CPU
   * per call (and node waited for those threads before it could exit), which a short call never earns back
   * (measured: 1.4 s instead of 2.8 s of CPU per compute_kpis call on the 10k demo, the 40th call in one process
   * still no slower). Process-wide and set before the module compiles; long-running processes leave it unset.
   */
  oneShot?: boolean;
  /**
   * PGlite on the calling thread instead of a worker (db/pglite-same-thread.ts): for a one-shot call of a tool with
   * fixed SQL only. Statement timeouts then cannot stop a statement, and the thread is busy while one runs.
   */
  sameThread?: boolean;
}

/** Opens the server named by `url`, or the embedded PGlite (with pgvector and pg_trgm) otherwise. */
export async function openDatabase(options: OpenOptions): Promise<Database> {
  if (options.url) {
    const pool = await openServerPool(options.url, options.maxConnections);
    const readPool = options.readUrl
      ? await openServerPool(options.readUrl, options.maxConnections).catch(async (error: unknown) => {
          await pool.end();
          throw error;
        })
      : pool;
    return {
      pool,
      readPool,
      kind: "postgres",
      label: options.readUrl
        ? `${redactUrl(options.url)} (reads: ${redactUrl(options.readUrl)})`
        : redactUrl(options.url),
      copyText: async (client, table, columns, text) => {
        if (text.length === 0) return;
        // Loaded on first use: only imports copy, and every other `beacon` call would pay for loading it.
        const { from: copyFrom } = await import("pg-copy-streams");
        await pipeline(Readable.from([text]), client.query(copyFrom(copyStatement(table, columns, "STDIN"))));
      },
      close: async () => {
        await pool.end();
        if (readPool !== pool) await readPool.end();
      },
    };
  }
  const dataDir = options.dataDir ?? "./data";
  const location = dataDir.startsWith("memory://") ? dataDir : resolve(dataDir);
  if (!location.startsWith("memory://")) mkdirSync(location, { recursive: true });
  // Process-wide V8 flag, so it also applies to the worker thread that compiles PGlite's WebAssembly.
  if (options.oneShot) v8.setFlagsFromString("--liftoff-only");
  const embedded = options.sameThread ? await openPgliteOnThisThread(location) : await openPgliteInWorker(location);
  const { pool } = embedded;
  return {
    pool,
    readPool: pool,
    kind: "pglite",
    label: location,
    // pg-copy-streams does not work over the PGlite adapter; PGlite's own COPY from a blob does.
    // The pool has one connection and PGlite one session, so this runs inside the client's transaction.
    copyText: async (_client, table, columns, text) => {
      if (text.length === 0) return;
      await embedded.copy(copyStatement(table, columns, "'/dev/blob'"), text);
    },
    close: () => embedded.close(),
  };
}

/**
 * PGlite in a worker thread that owns the data directory (db/pglite-host.ts): a long query cannot block this thread,
 * and a statement past its statement_timeout is stopped by terminating the worker (db/pglite-wire.ts).
 */
async function openPgliteInWorker(location: string): Promise<EmbeddedPglite> {
  const host = new PgliteHost(location);
  // The adapter's module (~70 ms to load) loads while the worker starts PGlite, not before; servers never load it.
  const [{ createPgConfig }] = await Promise.all([import("@electric-sql/pglite/node-postgres"), host.waitReady()]);
  // PGlite is a single connection: a pool of one serialises access, as the engine requires.
  const pool = new pg.Pool({ ...createPgConfig(new PgliteWire(host) as unknown as PGlite), max: 1 });
  return {
    pool,
    copy: (sql, text) => host.copy(sql, text),
    close: async () => {
      await pool.end();
      await host.close();
    },
  };
}

async function openServerPool(url: string, maxConnections = 8): Promise<pg.Pool> {
  const pool = new pg.Pool({ connectionString: url, max: maxConnections });
  // An idle client can lose its connection (server restart, a forced DROP DATABASE); without a listener that
  // error would crash the process. The pool discards the client and connects afresh on the next query.
  pool.on("error", (error) => process.stderr.write(`beacon: idle database connection closed: ${error.message}\n`));
  await pool.query("SELECT 1").catch(async (error: unknown) => {
    await pool.end();
    throw error;
  });
  return pool;
}

/** Runs `work` inside one transaction on one client; rolls back on any error. */
export async function withTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
  options: { readOnly?: boolean } = {},
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query(options.readOnly ? "BEGIN READ ONLY" : "BEGIN");
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** Quotes an SQL identifier (table or column names are code constants, but quote anyway). */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function copyStatement(table: string, columns: readonly string[], source: string): string {
  return `COPY ${quoteIdent(table)} (${columns.map(quoteIdent).join(", ")}) FROM ${source}`;
}

/** Escapes one value for COPY text format; null and undefined become \N. */
export function copyValue(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return "\\N";
  const text = String(value);
  return /[\\\t\n\r]/.test(text)
    ? text.replaceAll("\\", "\\\\").replaceAll("\t", "\\t").replaceAll("\n", "\\n").replaceAll("\r", "\\r")
    : text;
}

function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "postgres (unparseable URL)";
  }
}
