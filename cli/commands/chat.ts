import { homedir } from "node:os";
import { join } from "node:path";
import type { Config } from "../../config.ts";
import type { Database } from "../../db/pool.ts";
import { ROLES, type Role } from "../../tools/tool.ts";
import { parseCommandArgs, UsageError } from "../args.ts";
import { log, withDatabase } from "../context.ts";
import { lazyAnalyst } from "../lazy-analyst.ts";

const USAGE = `Usage: beacon chat [--role marketer|manager|support|admin]
  The local console: deterministic commands (kpi, segment, attribution, budget, ticket, summary) always work;
  free-text questions need OPENAI_API_KEY. Default role: admin (sees everything).
  In a terminal: Up/Down history (kept in ~/.beacon_history), Tab completion, Ctrl+C cancels a running question.`;

/** The console's history, beside the shell's and psql's: the data directory belongs to the embedded database. */
export const HISTORY_FILE = join(homedir(), ".beacon_history");

// The console imports the whole tool registry (about 0.2 s of CPU): loaded on demand, and by `beacon chat` while the
// database opens, so `beacon ask` (which shares roleOption) does not pay for it.
const loadConsole = () => import("../../bot/console.ts");

/** Opens the local console over the same analyst and tools as Slack. */
export async function startConsole(db: Database, config: Config, role: Role = "admin"): Promise<void> {
  const { runConsole } = await loadConsole();
  const analyst = lazyAnalyst({ db, config });
  await runConsole({
    db,
    analyst,
    caller: { userId: "console", role, canSeePii: role === "admin" || role === "support" },
    timezone: config.BEACON_TIMEZONE,
    currency: config.BEACON_CURRENCY,
    onProgress: (line) => log(line),
    historyFile: HISTORY_FILE,
  });
}

/** Parses `--role`, naming the allowed values when it is wrong. */
export function roleOption(value: string | undefined, usage: string): Role | undefined {
  if (value === undefined) return undefined;
  if (!(ROLES as readonly string[]).includes(value)) {
    throw new UsageError(`--role must be one of ${ROLES.join(", ")}, got "${value}"`, usage);
  }
  return value as Role;
}

/** `beacon chat`: the local console. */
export async function chatCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { role: { type: "string" } }, USAGE);
  if (positionals.length > 0) throw new UsageError(`unexpected arguments: ${positionals.join(" ")}`, USAGE);
  const role = roleOption(values.role, USAGE);
  return withDatabase(
    async (db, config) => {
      await startConsole(db, config, role);
      return 0;
    },
    {},
    loadConsole,
  );
}
