import { runBenchmarks, SCENARIOS } from "../../bench/run.ts";
import { loadConfig } from "../../config.ts";
import { parseCommandArgs, UsageError } from "../args.ts";
import { log } from "../context.ts";

const USAGE = `Usage:
  beacon bench [--only ${Object.keys(SCENARIOS).join("|")}] [--quick]
      Runs the benchmarks, prints a table and saves bench/results/latest.json. Server scenarios use
      scratch databases on BENCH_DATABASE_URL and are skipped when it is not set. --quick skips 1M-row sizes.`;

/** `beacon bench`. */
export async function benchCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    { only: { type: "string" }, quick: { type: "boolean" } },
    USAGE,
  );
  if (positionals.length > 0) throw new UsageError(`unexpected arguments: ${positionals.join(" ")}`, USAGE);
  const names = values.only ? values.only.split(",") : Object.keys(SCENARIOS);
  const unknown = names.filter((n) => !(n in SCENARIOS));
  if (unknown.length > 0) throw new UsageError(`unknown scenario(s): ${unknown.join(", ")}`, USAGE);
  const serverUrl = loadConfig().BENCH_DATABASE_URL;
  if (!serverUrl) log("BENCH_DATABASE_URL is not set: server scenarios are skipped.");
  await runBenchmarks(names, { serverUrl, quick: values.quick === true });
  return 0;
}
