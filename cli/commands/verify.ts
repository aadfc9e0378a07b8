import { getVerified, listVerified, removeVerified, verifyRun } from "../../agent/verified-answers.ts";
import { parseCommandArgs, UsageError } from "../args.ts";
import { printJson, withDatabase } from "../context.ts";

const USAGE = `Usage:
  beacon verify list
      Every verified answer: id, question, the tool calls re-run on a match, who verified it and when (JSON).
  beacon verify add <run> [--by NAME]
      Marks audited answer <run> (agent_runs.id, shown under answers as "run N") as verified: a later question that
      matches it re-runs its tool calls with the same arguments on current data. --by: who verifies (default $USER).
  beacon verify remove <id> --yes
      Deletes verified answer <id>; without --yes it only shows what would be deleted.`;

const OPTIONS = { by: { type: "string" }, yes: { type: "boolean" } } as const;

/** `beacon verify list|add|remove`: verified answers (issue 25) from the terminal. */
export async function verifyCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, OPTIONS, USAGE);
  const [action, ...rest] = positionals;
  switch (action) {
    case "list":
      expectArgs(rest, 0, "list");
      return withDatabase(async (db) => {
        printJson({ verified: await listVerified(db.pool) });
        return 0;
      });
    case "add": {
      const runId = idArg(rest, "add", "the answer's run id");
      const by = values.by ?? process.env.USER ?? "cli";
      return withDatabase(async (db) => {
        printJson({ verified: await verifyRun(db.pool, runId, by) });
        return 0;
      });
    }
    case "remove": {
      const id = idArg(rest, "remove", "the verified answer's id");
      return withDatabase(async (db) => {
        const found = await getVerified(db.pool, id);
        if (!found) throw new UsageError(`verified answer ${id} does not exist (see beacon verify list)`, USAGE);
        if (!values.yes) {
          // Never deletes without asking: show what would go and how to confirm.
          throw new UsageError(
            `verify remove would delete verified answer ${id} ("${found.question}", verified by ${found.verifiedBy}); add --yes to confirm`,
            USAGE,
          );
        }
        await removeVerified(db.pool, id);
        printJson({ removed: found });
        return 0;
      });
    }
    default:
      throw new UsageError(
        action ? `unknown verify action "${action}"` : "missing the action (list, add or remove)",
        USAGE,
      );
  }
}

function expectArgs(rest: string[], count: number, action: string, what = ""): void {
  if (rest.length < count) throw new UsageError(`verify ${action}: missing ${what}`, USAGE);
  if (rest.length > count) throw new UsageError(`unexpected arguments: ${rest.slice(count).join(" ")}`, USAGE);
}

function idArg(rest: string[], action: string, what: string): number {
  expectArgs(rest, 1, action, what);
  const text = rest[0] as string;
  if (!/^[1-9]\d{0,17}$/.test(text)) throw new UsageError(`verify ${action}: "${text}" is not an id`, USAGE);
  return Number(text);
}
