import { generateDemo } from "../../db/demo/index.ts";
import { parseCommandArgs, positiveInt, UsageError } from "../args.ts";
import { log, printJson, withDatabase } from "../context.ts";
import { progressBar } from "../progress.ts";

const USAGE = `Usage:
  beacon demo [--customers N] [--seed S] [--end-date YYYY-MM-DD]
      Replaces all marketing data with a deterministic demo set (default 10,000 customers, seed 42,
      12 months ending yesterday). Knowledge, audit and migration tables are kept.`;

export const DEFAULT_DEMO = { customers: 10_000, seed: 42 } as const;

/** `beacon demo`: (re)creates the demo data set. */
export async function demoCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    { customers: { type: "string" }, seed: { type: "string" }, "end-date": { type: "string" } },
    USAGE,
  );
  if (positionals.length > 0) throw new UsageError(`unexpected arguments: ${positionals.join(" ")}`, USAGE);
  const customers = positiveInt(values.customers, "customers", DEFAULT_DEMO.customers, USAGE);
  const seed = positiveInt(values.seed, "seed", DEFAULT_DEMO.seed, USAGE);
  const endDate = values["end-date"];
  if (endDate !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(endDate)) {
    throw new UsageError(`--end-date must look like 2026-10-31, got "${endDate}"`, USAGE);
  }
  return withDatabase(async (db) => {
    log(`Generating ${customers.toLocaleString("en-US")} demo customers (seed ${seed}) into ${db.label}`);
    const summary = await generateDemo(db, { customers, seed, endDate, onProgress: progressBar("demo") });
    printJson(summary);
    return 0;
  });
}
