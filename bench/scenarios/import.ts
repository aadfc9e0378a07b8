// `beacon import orders` as a user runs it: a whole CLI process per run (median of several), timed from spawn to
// exit, with the peak RSS that process reports; beside it the bare-SQL floor of the same row count (one
// INSERT ... SELECT FROM generate_series into the same table) measured in the same run. The file is a shop export
// that carries each order's customer (id, name, e-mail), as the target states: the customers are created
// inline by the import (one in ten orders' customers is already known).
import { spawn } from "node:child_process";
import { once } from "node:events";
import { cpSync, createWriteStream, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { migrate } from "../../db/migrate.ts";
import { type Database, openDatabase } from "../../db/pool.ts";
import { createEmptyScratchDatabase } from "../../db/scratch.ts";
import type { BenchRow } from "../report.ts";
import type { BenchSettings } from "../settings.ts";
import { percentile } from "../stats.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
/** Every run prints the process's own peak RSS (KiB) as it exits: measured by the process itself, no external tool. */
const REPORT_RSS =
  "data:text/javascript,process.on('exit',()=>process.stderr.write('BENCH_MAXRSS_KIB '+process.resourceUsage().maxRSS+'\\n'))";

interface Case {
  engine: "pglite" | "postgres";
  orders: number;
  customers: number;
  runs: number;
  target?: { text: string; seconds: number; rssMiB?: number };
}

/** 200k order rows on PGlite (on disk) and, with BENCH_DATABASE_URL, 1M on the server (200k with --quick). */
export async function benchImport(settings: BenchSettings): Promise<BenchRow[]> {
  const cases: Case[] = [
    {
      engine: "pglite",
      orders: 200_000,
      customers: 20_000,
      runs: settings.quick ? 1 : 3,
      target: { text: "<= 15 s", seconds: 15 },
    },
  ];
  if (settings.fixtures.serverUrl) {
    cases.push(
      settings.quick
        ? { engine: "postgres", orders: 200_000, customers: 20_000, runs: 1 }
        : {
            engine: "postgres",
            orders: 1_000_000,
            customers: 100_000,
            runs: 3,
            target: { text: "<= 60 s and peak RSS <= 300 MiB", seconds: 60, rssMiB: 300 },
          },
    );
  }
  const dir = mkdtempSync(join(tmpdir(), "beacon-bench-import-"));
  pgliteTemplate = undefined;
  try {
    await runProcess(["--help"], {}); // compiles dist/ when the sources changed, so the timed runs do not
    const rows: BenchRow[] = [];
    for (const c of cases) rows.push(...(await benchCase(c, dir, settings.fixtures.serverUrl)));
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function benchCase(c: Case, dir: string, serverUrl: string | undefined): Promise<BenchRow[]> {
  const file = join(dir, `orders-${c.orders}.csv`);
  const bytes = await writeOrdersCsv(file, c.orders, c.customers);
  const seconds: number[] = [];
  const rss: number[] = [];
  const phases: Record<string, number>[] = [];
  let floor = Number.NaN;
  for (let run = 0; seconds.length < c.runs && run < c.runs * 2; run++) {
    const target = await freshDatabase(c, dir, serverUrl, run);
    try {
      process.stderr.write(`bench: import ${c.orders.toLocaleString("en-US")} orders on ${c.engine}, run ${run + 1}\n`);
      const timed = await runProcess(["import", "orders", file], target.env);
      // A run that compiled dist/ first (someone edited a source meanwhile) is not a steady-state sample.
      if (timed.compiled) continue;
      seconds.push(timed.seconds);
      rss.push(timed.peakRssMiB);
      phases.push(timed.phases);
      if (Number.isNaN(floor)) floor = await target.floor();
    } finally {
      await target.drop();
    }
  }
  if (seconds.length === 0) throw new Error(`import on ${c.engine}: every run recompiled (sources kept changing)`);
  const median = percentile(seconds, 50);
  const rssMedian = percentile(rss, 50);
  const size = `${c.orders.toLocaleString("en-US")} order rows (${(bytes / 1e6).toFixed(1)} MB), ${c.customers.toLocaleString("en-US")} customers inline`;
  const met = c.target
    ? median <= c.target.seconds && (c.target.rssMiB === undefined || Math.max(...rss) <= c.target.rssMiB)
    : undefined;
  return [
    {
      scenario: "import orders (beacon import, whole process)",
      engine: c.engine,
      size,
      metrics: {
        median_s: median,
        min_s: Math.min(...seconds),
        max_s: Math.max(...seconds),
        rows_per_s: Math.round(c.orders / median),
        peak_rss_mib: rssMedian,
        peak_rss_max_mib: Math.max(...rss),
        runs: seconds.length,
        floor_insert_s: Number(floor.toFixed(2)),
        ...medianPhases(phases),
      },
      ...(c.target ? { target: c.target.text, met } : {}),
    },
  ];
}

/** A database holding the customers the orders name; its CLI environment, the floor measurement, and cleanup. */
interface Target {
  env: Record<string, string>;
  /** Seconds of one INSERT ... SELECT FROM generate_series of the same row count into orders (rolled back). */
  floor(): Promise<number>;
  drop(): Promise<void>;
}

let pgliteTemplate: string | undefined;

async function freshDatabase(c: Case, dir: string, serverUrl: string | undefined, run: number): Promise<Target> {
  if (c.engine === "postgres") {
    if (!serverUrl) throw new Error("no server configured (BENCH_DATABASE_URL)");
    const scratch = await createEmptyScratchDatabase(serverUrl, "beacon_bench_import");
    const db = await openDatabase({ url: scratch.url, maxConnections: 1 });
    await migrate(db.pool);
    await insertCustomers(db, Math.round(c.customers / 10));
    await db.close();
    return {
      env: { DATABASE_URL: scratch.url },
      floor: () => withDatabase({ url: scratch.url }, (db) => floorInsert(db, c.orders)),
      drop: scratch.drop,
    };
  }
  // PGlite on disk, as users run it: one migrated template with the customers, copied for every run.
  if (!pgliteTemplate) {
    pgliteTemplate = join(dir, "pglite-template");
    await withDatabase({ dataDir: pgliteTemplate }, async (db) => {
      await migrate(db.pool);
      await insertCustomers(db, Math.round(c.customers / 10));
    });
  }
  const dataDir = join(dir, `pglite-run-${run}`);
  cpSync(pgliteTemplate, dataDir, { recursive: true });
  return {
    env: { BEACON_DATA_DIR: dataDir },
    floor: () => withDatabase({ dataDir }, (db) => floorInsert(db, c.orders)),
    drop: async () => rmSync(dataDir, { recursive: true, force: true }),
  };
}

async function withDatabase<T>(options: { url?: string; dataDir?: string }, work: (db: Database) => Promise<T>) {
  const db = await openDatabase(options);
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

async function insertCustomers(db: Database, customers: number): Promise<void> {
  await db.pool.query(
    `INSERT INTO customers (external_id, name, signup_date)
     SELECT 'C' || g, 'Customer ' || g, DATE '2024-12-01' FROM generate_series(1, $1::int) g`,
    [customers],
  );
}

/** The floor: the same number of order rows written by one statement, no file, no validation (rolled back). */
async function floorInsert(db: Database, orders: number): Promise<number> {
  const client = await db.pool.connect();
  try {
    await client.query("BEGIN");
    const started = performance.now();
    await client.query(
      `WITH c AS (SELECT array_agg(id) AS ids FROM customers)
       INSERT INTO orders (external_id, customer_id, ordered_at, amount, discount_amount, currency, sales_channel)
       SELECT 'F' || g, c.ids[1 + g % cardinality(c.ids)], TIMESTAMPTZ '2025-01-01' + g * INTERVAL '1 minute',
              (g % 1000) + 0.5, g % 7, 'CNY', 'online'
       FROM generate_series(1, $1::int) g, c`,
      [orders],
    );
    const seconds = (performance.now() - started) / 1000;
    await client.query("ROLLBACK");
    return seconds;
  } finally {
    client.release();
  }
}

/** Writes an order export (the shape shop exports have) and returns its size in bytes. */
async function writeOrdersCsv(path: string, orders: number, customers: number): Promise<number> {
  const out = createWriteStream(path);
  let bytes = 0;
  const put = async (text: string) => {
    bytes += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, "drain");
  };
  await put("Order ID,Customer ID,Customer Name,Email,Order Date,Amount,Discount,Sales Channel\n");
  let chunk = "";
  for (let i = 1; i <= orders; i++) {
    const at = new Date(Date.UTC(2025, 0, 1) + ((i * 137) % 600) * 86_400_000 + (i % 86_400) * 1000);
    const customer = (i % customers) + 1;
    const when = at.toISOString().slice(0, 19).replace("T", " ");
    chunk += `O${i},C${customer},Customer ${customer},c${customer}@example.com,${when},${(i % 1000) + 0.5},${i % 7},online\n`;
    if (i % 10_000 === 0) {
      await put(chunk);
      chunk = "";
    }
  }
  await put(chunk);
  out.end();
  await once(out, "finish");
  return bytes;
}

/** Phases the import reports (BEACON_IMPORT_TIMINGS=1) and the metric each becomes, in seconds. */
const PHASES: Record<string, string> = {
  "read, validate and write batches": "phase_batches_s",
  "customers: match": "phase_customer_match_s",
  "customers: create": "phase_customer_create_s",
  "customers: update known": "phase_customer_update_s",
  write: "phase_order_write_s",
  finish: "phase_finish_s",
  order_attribution: "phase_order_attribution_s",
  "customer scores": "phase_customer_scores_s",
  commit: "phase_commit_s",
};

/** The phase times of a run's stderr ("  <phase>: 1.23 s (40x)" under "import timings:"). */
function phasesOf(stderr: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const match of stderr.matchAll(/^ {2}(.+): ([\d.]+) s \(\d+x\)$/gm)) {
    const metric = PHASES[match[1] ?? ""];
    if (metric) out[metric] = Number(match[2]);
  }
  return out;
}

/** The median of each phase over the runs. */
function medianPhases(runs: Record<string, number>[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const metric of Object.values(PHASES)) {
    const values = runs.map((r) => r[metric]).filter((v) => v !== undefined);
    if (values.length > 0) out[metric] = percentile(values, 50);
  }
  return out;
}

/**
 * Runs `node cli/beacon.js <args>`; wall seconds from spawn to exit, the peak RSS the process reported, and the
 * import's own phase times (batch phases overlap the parsing of the next batch, so they add up to more than the wall).
 */
function runProcess(
  args: string[],
  env: Record<string, string>,
): Promise<{ seconds: number; peakRssMiB: number; compiled: boolean; phases: Record<string, number> }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ["--import", REPORT_RSS, join(ROOT, "cli/beacon.js"), ...args], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "",
        BEACON_TIMEZONE: "Asia/Shanghai",
        BEACON_IMPORT_TIMINGS: "1",
        ...env,
      },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    child.on("error", reject);
    child.on("exit", (code) => {
      const seconds = (performance.now() - started) / 1000;
      const match = /BENCH_MAXRSS_KIB (\d+)/.exec(stderr);
      if (code !== 0) reject(new Error(`beacon ${args.join(" ")} exited with ${code}: ${stderr.trim().slice(-500)}`));
      else if (!match) reject(new Error(`no peak RSS reported: ${stderr.slice(-300)}`));
      else {
        resolve({
          seconds: Number(seconds.toFixed(2)),
          peakRssMiB: Math.round(Number(match[1]) / 1024),
          compiled: stderr.includes("compiling"),
          phases: phasesOf(stderr),
        });
      }
    });
  });
}
