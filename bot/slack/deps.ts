import type { Analyst } from "../../agent/types.ts";
import type { Config } from "../../config.ts";
import type { Database } from "../../db/pool.ts";
import { AppError } from "../../errors.ts";
import type { InvokeOptions } from "../../tools/run-tool.ts";
import type { Caller } from "../../tools/tool.ts";
import type { DeliveryQueue } from "../jobs/delivery-queue.ts";
import type { AnswerStreams } from "./answer-stream.ts";
import type { SlackDelivery } from "./delivery.ts";

/** Everything listeners use; built once in app.ts. */
export interface BotDeps {
  db: Database;
  config: Config;
  analyst: Analyst;
  delivery: SlackDelivery;
  /** Streams answers (chat.startStream…); undefined = every answer is posted when ready. */
  answerStreams?: AnswerStreams;
  logger: { warn(...args: unknown[]): void; error(...args: unknown[]): void };
  /** Runs work after the request was acknowledged; tracked so shutdown and tests can wait for it. */
  background(work: () => Promise<void>): void;
  /** Fixed "today" for tests; undefined = the clock. */
  now?: Date;
  /** Events and slash commands go to the Postgres job queue (bot/jobs/); undefined = answered in this process. */
  deliveryQueue?: DeliveryQueue;
}

/** Tool options for a caller, with the configured zone and currency. */
export function invokeOptions(deps: BotDeps, caller: Caller): InvokeOptions {
  return { caller, timezone: deps.config.BEACON_TIMEZONE, currency: deps.config.BEACON_CURRENCY, now: deps.now };
}

/** What a user sees when something broke: the coded message, never a stack trace. */
export function friendlyError(error: unknown): string {
  if (error instanceof AppError) return error.userMessage;
  return "Something went wrong on my side while working on this, sorry. Please try again in a minute; if it keeps happening, tell the Beacon admin.";
}
