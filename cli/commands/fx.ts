import { basename } from "node:path";
import { listFxRates, readFxRatesCsv, saveFxRates } from "../../db/fx.ts";
import { withTransaction } from "../../db/pool.ts";
import { parseCommandArgs, UsageError } from "../args.ts";
import { log, printJson, withDatabase } from "../context.ts";

const USAGE = `Usage:
  beacon fx import <rates.csv> [--source NAME] [--dry-run]
      Loads exchange rates into BEACON_CURRENCY: columns currency, valid_from (a date), rate_to_base
      (BEACON_CURRENCY per 1 unit of the currency; a header "rate to CNY" also works), optional source.
      A rate holds from its date until the next one of that currency. All rows or none; re-importing updates.
  beacon fx list [--currency CODE]
      The stored rates into BEACON_CURRENCY, newest first.
  Imports use these rates to convert amounts in other currencies (--fx-rate USD=7.2 on beacon import overrides).`;

/** `beacon fx import|list`: the exchange-rate table imports convert other currencies with. */
export async function fxCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    { source: { type: "string" }, "dry-run": { type: "boolean" }, currency: { type: "string" } },
    USAGE,
  );
  const [action, file, ...extra] = positionals;
  if (action !== "import" && action !== "list") {
    throw new UsageError(action ? `unknown fx action "${action}"` : "missing the fx action (import or list)", USAGE);
  }
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(" ")}`, USAGE);
  if (action === "import" && !file) throw new UsageError("missing the rates CSV path", USAGE);
  if (action === "list" && file) throw new UsageError(`unexpected argument: ${file}`, USAGE);
  return withDatabase(async (db, config) => {
    const base = config.BEACON_CURRENCY;
    if (action === "list") {
      const code = values.currency?.toUpperCase();
      const rates = (await listFxRates(db.pool, base)).filter((r) => !code || r.currency === code);
      printJson({ base_currency: base, rates: rates.map(toJson) });
      return 0;
    }
    const path = file as string;
    const read = await readFxRatesCsv(path, base, values.source ?? basename(path)).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw error;
    });
    if (read === null) {
      log(`beacon fx import: no such file: ${path}; check the path (relative paths start at ${process.cwd()})`);
      return 1;
    }
    if (!read.ok) {
      log(`beacon fx import: ${path} was not imported (nothing written):`);
      for (const p of read.problems) log(`  ${p.line > 0 ? `line ${p.line}: ` : ""}${p.reason}`);
      return 1;
    }
    const dryRun = values["dry-run"] === true;
    const counts = await withTransaction(db.pool, async (client) => {
      const written = await saveFxRates(client, base, read.rates);
      // A dry run counts what it would insert or update, then rolls back.
      if (dryRun) throw new DryRunDone(written);
      return written;
    }).catch((error: unknown) => {
      if (error instanceof DryRunDone) return error.counts;
      throw error;
    });
    const currencies = [...new Set(read.rates.map((r) => r.currency))].sort();
    printJson({
      file: path,
      base_currency: base,
      rates: read.rates.length,
      currencies,
      inserted: counts.inserted,
      updated: counts.updated,
      dryRun,
    });
    return 0;
  });
}

/** Ends a dry run's transaction (rolled back) with the counts it reached. */
class DryRunDone extends Error {
  constructor(readonly counts: { inserted: number; updated: number }) {
    super("dry run");
  }
}

function toJson(r: { currency: string; validFrom: string; rate: string; source: string }) {
  return { currency: r.currency, valid_from: r.validFrom, rate_to_base: r.rate, source: r.source };
}
