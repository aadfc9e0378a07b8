import pg from "pg";

/** An embedded PGlite behind one pg.Pool, with its COPY-from-blob and its close. */
export interface EmbeddedPglite {
  pool: pg.Pool;
  /** PGlite's COPY ... FROM '/dev/blob' with `text` as the blob, in the session's open transaction. */
  copy(sql: string, text: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * PGlite on this thread, without the worker (db/pglite-host.ts). Only for a one-shot call of a tool with fixed SQL
 * (`beacon tool compute_kpis`): the process exits after the call and has nothing to keep responsive, so the worker's
 * start (about 85 ms, 8% of such a call) buys nothing. Here a statement_timeout cannot stop a statement; SIGTERM
 * and Ctrl+C still end the process, which installs no handler for them.
 */
export async function openPgliteOnThisThread(location: string): Promise<EmbeddedPglite> {
  const [{ PGlite }, { pg_trgm }, { vector }, { createPgConfig }] = await Promise.all([
    import("@electric-sql/pglite"),
    import("@electric-sql/pglite/contrib/pg_trgm"),
    import("@electric-sql/pglite-pgvector"),
    import("@electric-sql/pglite/node-postgres"),
  ]);
  // The same settings as db/pglite-worker.js.
  const pglite = await PGlite.create({
    ...(location === "memory://" ? {} : { dataDir: location }),
    extensions: { vector, pg_trgm },
    startParams: [...PGlite.defaultStartParams, "-c", "shared_buffers=32MB"],
  });
  const pool = new pg.Pool({ ...createPgConfig(pglite), max: 1 });
  return {
    pool,
    copy: async (sql, text) => {
      await pglite.query(sql, [], { blob: new Blob([text]) });
    },
    close: async () => {
      await pool.end();
      await pglite.close();
    },
  };
}
