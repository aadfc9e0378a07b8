import { generateDemo } from "../../derived/demo.ts";
import { parseCommandArgs, positiveInt, UsageError } from "../args.ts";
import { log, printJson, withDatabase } from "../context.ts";
import { progressBar } from "../progress.ts";
import { type DemoReplacement, inspectDemoReplacement } from "./demo-guard.ts";
import { ensurePlaybook } from "./ingest.ts";

const USAGE = `Usage:
  beacon demo [--customers N] [--seed S] [--end-date YYYY-MM-DD] [--yes]
      Replaces all marketing data with a deterministic demo set (default 10,000 customers, seed 42,
      12 months ending yesterday). Knowledge, audit and migration tables are kept.
      Refuses when the data holds anything the demo did not write (imports, tickets filed by people) unless --yes.`;

export const DEFAULT_DEMO = { customers: 10_000, seed: 42 } as const;

/** `beacon demo`: (re)creates the demo data set. */
export async function demoCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    {
      customers: { type: "string" },
      seed: { type: "string" },
      "end-date": { type: "string" },
      yes: { type: "boolean" },
    },
    USAGE,
  );
  if (positionals.length > 0) throw new UsageError(`unexpected arguments: ${positionals.join(" ")}`, USAGE);
  const customers = positiveInt(values.customers, "customers", DEFAULT_DEMO.customers, USAGE);
  const seed = positiveInt(values.seed, "seed", DEFAULT_DEMO.seed, USAGE);
  const endDate = values["end-date"];
  if (endDate !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(endDate)) {
    throw new UsageError(`--end-date must look like 2026-10-31, got "${endDate}"`, USAGE);
  }
  return withDatabase(async (db, config) => {
    const replacement = await inspectDemoReplacement(db.pool);
    if (replacement.foreign.length > 0 && !values.yes) throw new UsageError(refusal(replacement), USAGE);
    log(`Generating ${customers.toLocaleString("en-US")} demo customers (seed ${seed}) into ${db.label}`);
    const summary = await generateDemo(db, { customers, seed, endDate, onProgress: progressBar("demo") });
    printJson(summary);
    // The demo answers playbook questions too, so the bundled knowledge base is loaded (skipped when unchanged).
    await ensurePlaybook(db, config);
    return 0;
  });
}

function refusal({ rows, foreign }: DemoReplacement): string {
  const counts = Object.entries(rows)
    .filter(([, n]) => n > 0)
    .map(([table, n]) => `${table} ${n.toLocaleString("en-US")}`);
  return [
    "the database holds data that did not come from the demo generator:",
    ...foreign.map((reason) => `  - ${reason}`),
    `The demo would delete every row of: ${counts.join(", ")}.`,
    "Add --yes to replace it anyway, or point BEACON_DATA_DIR (or DATABASE_URL) at another database for the demo.",
  ].join("\n");
}
