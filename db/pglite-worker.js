// Worker-thread entry that owns the embedded PGlite database (see db/pglite-host.ts). Plain JavaScript on purpose:
// it is linked into dist/ as-is and loads without a TypeScript compiler, so a (re)start costs only PGlite's own
// start. The only instance of the data directory lives here: two PGlite instances on one directory would corrupt
// it, so every query, import and migration of the process goes through this thread.
import { parentPort, workerData } from "node:worker_threads";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { vector } from "@electric-sql/pglite-pgvector";

const port = parentPort;
if (!port) throw new Error("pglite-worker.js must run in a worker thread");
/** @type {{ location: string }} */
const { location } = workerData;

const pglite = await PGlite.create({
  ...(location === "memory://" ? {} : { dataDir: location }),
  extensions: { vector, pg_trgm },
  // PGlite zeroes shared buffers in WebAssembly at every start: the default 128 MB costs ~0.4 s per `beacon`
  // call; 32 MB made no measurable difference to queries on the 10k demo (the OS page cache holds the files).
  startParams: [...PGlite.defaultStartParams, "-c", "shared_buffers=32MB"],
});
port.postMessage({ kind: "ready" });

port.on("message", async (message) => {
  try {
    if (message.kind === "exec") {
      // Raw wire-protocol bytes in and out: the main thread parses them with pg's own parser, so errors keep
      // their SQLSTATE code and detail (a structured clone of an Error would drop them).
      const raw = await pglite.execProtocolRaw(message.bytes);
      // Transferred, not copied: only a view that owns its whole buffer may be (never WebAssembly memory).
      const bytes = raw.byteOffset === 0 && raw.byteLength === raw.buffer.byteLength ? raw : raw.slice();
      port.postMessage({ id: message.id, kind: "result", bytes }, [bytes.buffer]);
    } else if (message.kind === "copy") {
      // pg-copy-streams does not work over the wire adapter; PGlite's own COPY from a blob does, in the session's
      // open transaction.
      await pglite.query(message.sql, [], { blob: new Blob([message.text]) });
      port.postMessage({ id: message.id, kind: "result" });
    } else if (message.kind === "close") {
      await pglite.close();
      port.postMessage({ id: message.id, kind: "result" });
      port.close();
    }
  } catch (error) {
    const detail = /** @type {{ code?: string, message?: string }} */ (error ?? {});
    port.postMessage({ id: message.id, kind: "error", message: String(detail.message ?? error), code: detail.code });
  }
});
