import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { migrate } from "../db/migrate.ts";
import { type Database, openDatabase } from "../db/pool.ts";
import { createScratchDatabase } from "../db/scratch.ts";
import { type DemoSummary, generateDemo } from "../derived/demo.ts";

/** The fixed demo period every benchmark uses, so runs are comparable. */
export const BENCH_DEMO = { seed: 42, endDate: "2026-10-31" } as const;

export interface DemoFixture {
  db: Database;
  /** How generating it went: the demo-generation benchmark reports this. */
  summary: DemoSummary;
}

/**
 * Demo databases shared by the scenarios of one run: each size is generated once (that generation is itself
 * measured) and dropped at the end of the run.
 */
export class BenchFixtures {
  private readonly cache = new Map<string, Promise<DemoFixture>>();
  private readonly cleanups: (() => Promise<void>)[] = [];

  /** The PostgreSQL server the run may use (BENCH_DATABASE_URL), if any. */
  constructor(readonly serverUrl: string | undefined) {}

  /** A demo set of `customers` on the embedded PGlite (on disk, as users run it) or on the server. */
  demo(engine: "pglite" | "postgres", customers: number): Promise<DemoFixture> {
    const key = `${engine}:${customers}`;
    let fixture = this.cache.get(key);
    if (!fixture) {
      fixture = this.create(engine, customers);
      this.cache.set(key, fixture);
    }
    return fixture;
  }

  hasServer(): boolean {
    return this.serverUrl !== undefined;
  }

  async closeAll(): Promise<void> {
    for (const cleanup of this.cleanups.reverse()) await cleanup();
  }

  private async create(engine: "pglite" | "postgres", customers: number): Promise<DemoFixture> {
    const existing = process.env.BENCH_DEMO_1M_DATABASE_URL;
    if (engine === "postgres" && customers === 1_000_000 && existing) return this.existing(existing);
    let db: Database;
    if (engine === "postgres") {
      if (!this.serverUrl) throw new Error("no server configured (BENCH_DATABASE_URL)");
      db = await createScratchDatabase(this.serverUrl, "beacon_bench");
      this.cleanups.push(() => db.close());
    } else {
      const dir = mkdtempSync(join(tmpdir(), "beacon-bench-"));
      db = await openDatabase({ dataDir: dir });
      await migrate(db.pool);
      this.cleanups.push(async () => {
        await db.close();
        rmSync(dir, { recursive: true, force: true });
      });
    }
    process.stderr.write(`bench: generating ${customers.toLocaleString("en-US")} demo customers on ${engine}\n`);
    const summary = await generateDemo(db, { customers, ...BENCH_DEMO });
    return { db, summary };
  }

  /**
   * BENCH_DEMO_1M_DATABASE_URL: an existing, migrated 1M-customer demo (seed 42, e.g. `beacon demo --customers
   * 1000000`) used instead of generating one; nothing is written to it. Its summary holds the stored row counts
   * (generation time 0: the demo-generation scenario then has nothing to report for it).
   */
  private async existing(url: string): Promise<DemoFixture> {
    const db = await openDatabase({ url });
    this.cleanups.push(() => db.close());
    const { rows } = await db.pool.query<Record<string, number>>(
      `SELECT (SELECT count(*)::int FROM customers) AS customers, (SELECT count(*)::int FROM orders) AS orders,
              (SELECT count(*)::int FROM touchpoints) AS touchpoints, (SELECT count(*)::int FROM ad_spend_daily) AS spend,
              (SELECT count(*)::int FROM platform_conversions) AS claims, (SELECT count(*)::int FROM nps_responses) AS nps,
              (SELECT count(*)::int FROM feedback_tickets) AS tickets, (SELECT count(*)::int FROM channels) AS channels,
              (SELECT count(*)::int FROM campaigns) AS campaigns`,
    );
    const n = rows[0] ?? {};
    process.stderr.write(`bench: using the existing demo database for 1,000,000 customers (${db.label})\n`);
    const summary: DemoSummary = {
      customers: n.customers ?? 0,
      orders: n.orders ?? 0,
      touchpoints: n.touchpoints ?? 0,
      adSpendRows: n.spend ?? 0,
      platformConversions: n.claims ?? 0,
      npsResponses: n.nps ?? 0,
      tickets: n.tickets ?? 0,
      channels: n.channels ?? 0,
      campaigns: n.campaigns ?? 0,
      seconds: 0,
      rowsPerSecond: 0,
    };
    return { db, summary };
  }
}
