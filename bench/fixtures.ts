import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type DemoSummary, generateDemo } from "../derived/demo.ts";
import { migrate } from "../db/migrate.ts";
import { type Database, openDatabase } from "../db/pool.ts";
import { createScratchDatabase } from "../db/scratch.ts";

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
}
