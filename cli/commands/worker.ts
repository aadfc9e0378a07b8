import { parseCommandArgs, UsageError } from "../args.ts";
import { log, withDatabase } from "../context.ts";
import { chooseSurface } from "./start.ts";

const USAGE = `Usage:
  beacon worker   answer queued Slack work (questions, slash commands, the minute tick) without a Slack receiver;
                  run it beside \`beacon start --no-workers\` (or \`beacon start\`) on the same DATABASE_URL.
                  Jobs at a time: BEACON_WORKER_CONCURRENCY (default 4).`;

/** `beacon worker`: the queue's workers only. */
export async function workerCommand(args: string[]): Promise<number> {
  const { positionals } = parseCommandArgs(args, {}, USAGE);
  if (positionals.length > 0) throw new UsageError(`unexpected arguments: ${positionals.join(" ")}`, USAGE);
  return withDatabase(async (db, config) => {
    const { surface, reason } = chooseSurface(config);
    if (surface !== "slack") {
      log(
        `beacon worker: the workers post to Slack, but ${reason}. Set the same SLACK_* variables as \`beacon start\`.`,
      );
      return 1;
    }
    if (db.kind === "pglite") {
      log(
        "beacon worker: the embedded database belongs to one process (`beacon start` runs its workers itself); set DATABASE_URL to run workers in other processes.",
      );
      return 1;
    }
    const [{ startWorkerAnalyst }, { runSlackUntilStopped }] = await Promise.all([
      import("../../agent/worker-analyst.ts"),
      import("../../bot/run-slack.ts"),
    ]);
    const analyst = await startWorkerAnalyst(config);
    try {
      await runSlackUntilStopped(db, config, analyst, log, { receiver: false, workers: true });
    } finally {
      await analyst.close();
    }
    return 0;
  });
}
