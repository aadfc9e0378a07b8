import type { Analyst } from "../agent/types.ts";
import type { Config } from "../config.ts";
import type { Database } from "../db/pool.ts";
import { createSlackBot } from "./app.ts";
import { JobQueue } from "./jobs/queue.ts";
import { startWorkers, type Workers } from "./jobs/workers.ts";
import { SlackStartError } from "./slack/check-tokens.ts";
import { sharedHome } from "./slack/home-shared.ts";

/** What one process runs: `beacon start` both, `beacon start --no-workers` the receiver, `beacon worker` the workers. */
export interface ProcessRole {
  receiver: boolean;
  workers: boolean;
}

/**
 * Runs the Slack bot until SIGINT / SIGTERM. The receiver acknowledges Slack and enqueues events and slash commands
 * (bot/jobs/); the workers answer them. On the signal: the receiver stops taking requests, the workers take no new
 * job and finish theirs within BEACON_SHUTDOWN_SECONDS (the rest go back to the queue), then Slack and the pool close.
 * Check the tokens first (checkSlackTokens); a start that still fails rejects with SlackStartError.
 */
export async function runSlackUntilStopped(
  db: Database,
  config: Config,
  analyst: Analyst,
  log: (message: string) => void,
  role: ProcessRole = { receiver: true, workers: true },
): Promise<void> {
  const queue = new JobQueue(db);
  await queue.start((error) => log(`job queue: ${error.message}`));
  const concurrency = config.BEACON_WORKER_CONCURRENCY;
  const bot = createSlackBot({
    db,
    config,
    analyst,
    queue,
    maxConcurrentWork: concurrency,
    streaming: config.BEACON_STREAM_ANSWERS,
  });
  let workers: Workers | undefined;
  if (role.workers) {
    workers = await startWorkers(bot.app, queue, { concurrency, tick: (now) => bot.jobs(now), logger: bot.app.logger });
    const wake = workers.wake;
    if (bot.deps.deliveryQueue) bot.deps.deliveryQueue.onEnqueued = wake;
    log(`Workers: ${concurrency} job(s) at a time on the Postgres queue.`);
  }
  if (role.receiver) {
    const port = await bot.start().catch((error: unknown) => {
      // E.g. the HTTP port is taken, or the Socket Mode connection fails after the check.
      throw new SlackStartError(`Slack did not start: ${error instanceof Error ? error.message : String(error)}`);
    });
    log(
      bot.mode === "socket"
        ? "Beacon is connected to Slack in Socket Mode. Press Ctrl+C to stop."
        : `Beacon listens for Slack on http://0.0.0.0:${port}/slack/events. Press Ctrl+C to stop.`,
    );
    // The Home tab's company-wide numbers take seconds on a large database: compute them now, not at the first open.
    sharedHome(db, {
      timezone: config.BEACON_TIMEZONE,
      currency: config.BEACON_CURRENCY,
      now: new Date(),
    }).pending.catch((error: unknown) =>
      log(`Home tab numbers not precomputed: ${error instanceof Error ? error.message : String(error)}`),
    );
  } else {
    log("Beacon works on queued Slack jobs (no receiver in this process). Press Ctrl+C to stop.");
  }
  if (!analyst.modelConfigured) log("No OPENAI_API_KEY: Slack answers deterministic /beacon commands only.");
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  const deadlineMs = config.BEACON_SHUTDOWN_SECONDS * 1000;
  log(`Stopping: no new jobs; finishing jobs in progress (at most ${config.BEACON_SHUTDOWN_SECONDS} s)…`);
  // Receiver first: nothing new is accepted; what it accepted is already committed to the queue.
  if (role.receiver) await bot.stop();
  if (workers) await workers.stop(deadlineMs);
  else await queue.stop({ graceful: true, timeoutMs: 1000 });
  // Work not tied to a job (button clicks, view submissions) gets what is left of the deadline.
  await Promise.race([bot.idle(), new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
}
