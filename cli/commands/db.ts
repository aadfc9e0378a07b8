import { loadConfig } from "../../config.ts";
import { migrate, migrationStatus, resetDatabase } from "../../db/migrate.ts";
import { openDatabase, withTransaction } from "../../db/pool.ts";
import { refreshDerived } from "../../derived/refresh.ts";
import { parseCommandArgs, UsageError } from "../args.ts";
import { log, printJson } from "../context.ts";

const USAGE = `Usage:
  beacon db migrate          apply pending migrations
  beacon db status           list migrations and when each was applied
  beacon db reset --yes      drop every Beacon table and data, then migrate from scratch
  beacon db refresh          rebuild derived data (each order's last touch, the stored CLV model and RFM thresholds) after writing data by other means`;

/** `beacon db migrate|status|reset`. */
export async function dbCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { yes: { type: "boolean" } }, USAGE);
  const [action] = positionals;
  if (!action || !["migrate", "status", "reset", "refresh"].includes(action)) {
    throw new UsageError(action ? `unknown db action "${action}"` : "missing the db action", USAGE);
  }
  if (action === "reset" && !values.yes) {
    throw new UsageError("reset deletes all data; add --yes to confirm", USAGE);
  }
  const config = loadConfig();
  // Opened without the automatic migration so `status` shows what is pending.
  const db = await openDatabase({ url: config.DATABASE_URL, dataDir: config.BEACON_DATA_DIR });
  try {
    if (action === "migrate") {
      const applied = await migrate(db.pool);
      log(applied.length ? `Applied ${applied.join(", ")} to ${db.label}` : `Already up to date: ${db.label}`);
    } else if (action === "refresh") {
      await migrate(db.pool);
      const rebuilt = await withTransaction(db.pool, (client) => refreshDerived(client, config.BEACON_TIMEZONE));
      log(`Rebuilt ${rebuilt.join("; ")}`);
    } else if (action === "reset") {
      const applied = await resetDatabase(db.pool);
      log(`Reset ${db.label}; applied ${applied.join(", ")}`);
    }
    printJson({ database: db.label, engine: db.kind, migrations: await migrationStatus(db.pool) });
    return 0;
  } finally {
    await db.close();
  }
}
