import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { App, HTTPReceiver, LogLevel } from "@slack/bolt";
import type { Analyst } from "../agent/types.ts";
import type { Config } from "../config.ts";
import type { Database } from "../db/pool.ts";
import { DeliveryQueue } from "./jobs/delivery-queue.ts";
import { currentJob } from "./jobs/job-context.ts";
import { memoizePosts, streamMemo } from "./jobs/post-memo.ts";
import type { JobQueue } from "./jobs/queue.ts";
import { registerListeners } from "./listeners/index.ts";
import { runAnomalyScan } from "./slack/anomaly-alerts.ts";
import { AnswerStreams } from "./slack/answer-stream.ts";
import { SlackDelivery } from "./slack/delivery.ts";
import type { BotDeps } from "./slack/deps.ts";
import { runDueDigests } from "./slack/digest-runner.ts";
import { ChannelPacer } from "./slack/pacer.ts";
import { refuseFutureRequests } from "./slack/request-clock.ts";
import { postDueReminders, retryTicketConfirmations } from "./slack/ticket-jobs.ts";

export interface SlackBotOptions {
  db: Database;
  config: Config;
  analyst: Analyst;
  /** Minimum gap between messages to one channel (Slack: about 1 per second). */
  channelGapMs?: number;
  /** Fixed "today" for tests. */
  now?: Date;
  logLevel?: LogLevel;
  /** How often ticket confirmations are retried and reminders posted. */
  jobIntervalMs?: number;
  /** Answers worked on at once; more wait their turn, so a burst cannot starve acknowledgements. */
  maxConcurrentWork?: number;
  /** Stream answers with live tool steps (default true); false posts every answer when it is ready. */
  streaming?: boolean;
  /** Least time between two appendStream calls of one answer (default 1000 ms). */
  streamAppendIntervalMs?: number;
  /**
   * The Postgres job queue (bot/jobs/queue.ts): events and slash commands are enqueued with their claim and answered
   * by workers (bot/jobs/workers.ts), and the minute tick is a scheduled job instead of a timer in every process.
   */
  queue?: JobQueue;
}

/** The running bot: Bolt app, how it listens, and a way to wait for answers still being worked on. */
export interface SlackBot {
  app: App;
  mode: "socket" | "http";
  /** Starts listening (HTTP: on `port`, 0 = any free port); resolves with the HTTP port, or null in Socket Mode. */
  start(port?: number): Promise<number | null>;
  /** Resolves when no acknowledged request is still being answered. */
  idle(): Promise<void>;
  /** The HTTP server once started in HTTP mode (benchmarks time acknowledgements on it). */
  httpServer(): Server | null;
  /**
   * Retries pending ticket confirmations, posts due reminders and due digests (also run every minute once started).
   * `now` is the clock to use (tests' fake clock); default the bot's `now` option, else the real clock.
   */
  jobs(now?: Date): Promise<void>;
  /** What the listeners use (the queue's workers wire themselves to deps.deliveryQueue). */
  deps: BotDeps;
  stop(): Promise<void>;
}

/** Builds the Bolt app: Socket Mode when SLACK_APP_TOKEN is set, else HTTP on /slack/events with signature checks. */
export function createSlackBot(options: SlackBotOptions): SlackBot {
  const { config } = options;
  if (!config.SLACK_BOT_TOKEN) throw new Error("SLACK_BOT_TOKEN is not set");
  const socket = config.SLACK_APP_TOKEN !== undefined;
  if (!socket && !config.SLACK_SIGNING_SECRET) throw new Error("HTTP mode needs SLACK_SIGNING_SECRET");
  const logLevel = options.logLevel ?? LogLevel.WARN;
  const clientOptions = {
    ...(config.SLACK_API_URL ? { slackApiUrl: config.SLACK_API_URL } : {}),
    // The WebClient waits out Retry-After on 429 and then retries; these bound the other retries.
    retryConfig: { retries: 5, factor: 2, minTimeout: 500, maxTimeout: 10_000 },
  };
  const receiver = socket
    ? undefined
    : new HTTPReceiver({
        signingSecret: config.SLACK_SIGNING_SECRET as string,
        endpoints: "/slack/events",
        // For load balancers and monitors: answered on the main thread, which no query can block (the embedded
        // database runs in a worker thread, db/pglite-host.ts).
        customRoutes: [healthRoute()],
        // With a queue, Slack gets its 200 only after the claim and the job are committed (a few ms): a process
        // killed in between leaves the delivery unacknowledged, and Slack's retry brings it to another process.
        processBeforeResponse: options.queue !== undefined,
        logLevel,
      });
  const app = socket
    ? new App({
        token: config.SLACK_BOT_TOKEN,
        appToken: config.SLACK_APP_TOKEN,
        socketMode: true,
        clientOptions,
        logLevel,
      })
    : new App({ token: config.SLACK_BOT_TOKEN, receiver, clientOptions, logLevel });
  const inflight = new Set<Promise<void>>();
  const limit = concurrencyLimit(options.maxConcurrentWork ?? 4);
  const logger = app.logger;
  if (receiver) refuseFutureRequests(receiver, logger);
  const display = { currency: config.BEACON_CURRENCY, timezone: config.BEACON_TIMEZONE };
  const delivery = new SlackDelivery(app.client, new ChannelPacer(options.channelGapMs ?? 1000), logger, display);
  const deps: BotDeps = {
    db: options.db,
    config,
    analyst: options.analyst,
    delivery,
    answerStreams:
      options.streaming === false
        ? undefined
        : new AnswerStreams(app.client, delivery, logger, display, {
            appendIntervalMs: options.streamAppendIntervalMs,
            // A retried job finishes the message its earlier run streamed into (bot/jobs/post-memo.ts).
            memo: options.queue ? streamMemo(options.db.pool) : undefined,
          }),
    logger,
    now: options.now,
    deliveryQueue: options.queue ? new DeliveryQueue(options.db, options.queue) : undefined,
    background(work) {
      // Inside a queued job the work belongs to the job: the worker waits for it before completing the job.
      const job = currentJob();
      const task = limit(work)
        .catch((error) => logger.error("background work failed", error))
        .finally(() => inflight.delete(task));
      inflight.add(task);
      job?.work.push(task);
    },
  };
  // A queued job run twice (its worker died, a retry) never posts the same message twice (bot/jobs/post-memo.ts).
  if (options.queue) memoizePosts(delivery, options.db.pool);
  registerListeners(app, deps);
  let timer: NodeJS.Timeout | undefined;
  let server: Server | null = null;
  const jobs = async (now?: Date) => {
    const at = now ?? deps.now ?? new Date();
    const withClient = { ...deps, client: app.client };
    // Each job on its own: a digest that throws must not cost the morning's alert scan or the ticket reminders.
    const steps: [string, () => Promise<unknown>][] = [
      ["ticket confirmations", () => retryTicketConfirmations(deps)],
      ["ticket reminders", () => postDueReminders(deps, at)],
      ["digests", () => runDueDigests(withClient, at)],
      ["anomaly scan", () => runAnomalyScan(withClient, at)],
    ];
    for (const [name, step] of steps) {
      await step().catch((error: unknown) => logger.error(`scheduled job "${name}" failed`, error));
    }
  };
  app.error(async (error) => {
    logger.error("Bolt error", error);
  });
  return {
    app,
    mode: socket ? "socket" : "http",
    async start(port = config.PORT) {
      // With a queue the tick is a scheduled job that runs in one process per minute (bot/jobs/workers.ts).
      if (!options.queue) {
        timer = setInterval(() => deps.background(() => jobs()), options.jobIntervalMs ?? 60_000);
        timer.unref();
      }
      if (socket) {
        await app.start();
        return null;
      }
      server = (await app.start(port)) as Server;
      return (server.address() as AddressInfo).port;
    },
    async idle() {
      while (inflight.size > 0) await Promise.allSettled([...inflight]);
    },
    jobs: (now) => jobs(now),
    deps,
    httpServer: () => server,
    async stop() {
      clearInterval(timer);
      await app.stop();
    },
  };
}

/** GET /health: 200 with `{"status":"ok"}` while the process can answer requests. */
function healthRoute() {
  return {
    path: "/health",
    method: ["GET"],
    handler: (_req: IncomingMessage, res: ServerResponse) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"status":"ok"}');
    },
  };
}

/** Runs at most `max` tasks at once; the rest wait in arrival order. */
function concurrencyLimit(max: number): <T>(work: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (work) => {
    if (running >= max) await new Promise<void>((resolve) => waiting.push(resolve));
    running += 1;
    try {
      return await work();
    } finally {
      running -= 1;
      waiting.shift()?.();
    }
  };
}
