import type { AnyMiddlewareArgs, Middleware } from "@slack/bolt";
import type { Queryable } from "../../db/pool.ts";
import type { DeliveryQueue } from "../jobs/delivery-queue.ts";
import { isReplay } from "../jobs/job-context.ts";
import { claimEvent } from "./processed-events.queries.ts";

type Body = Record<string, unknown> & { type?: string; trigger_id?: string; event_id?: string; command?: string };

/** The id a delivery is deduplicated by; view submissions are handled by their listener (they may fail validation). */
export function deliveryKey(body: Body): { key: string; source: string } | null {
  if (body.type === "event_callback" && typeof body.event_id === "string") {
    return { key: body.event_id, source: "events_api" };
  }
  if (typeof body.command === "string" && body.trigger_id) {
    return { key: `command:${body.trigger_id}`, source: "slash_command" };
  }
  if (
    (body.type === "block_actions" || body.type === "message_action" || body.type === "shortcut") &&
    body.trigger_id
  ) {
    return { key: `${body.type}:${body.trigger_id}`, source: "interaction" };
  }
  return null;
}

/**
 * Global middleware: acknowledges commands and interactions at once (listeners never ack them), then persists the
 * delivery id before any work; a retry or re-delivery of the same id stops here. With a queue, events and slash
 * commands are enqueued in the claim's transaction and answered by a worker, which replays them through the app
 * (the replay passes here without a claim).
 */
export function dedupeMiddleware(
  db: Queryable,
  onDuplicate?: (key: string) => void,
  queue?: DeliveryQueue,
): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const body = args.body as Body;
    const found = deliveryKey(body);
    if (!found || isReplay()) return args.next();
    const ack = (args as { ack?: () => Promise<void> }).ack;
    if (ack && body.type !== "event_callback") await ack();
    if (queue?.queues(found.source)) {
      if (!(await queue.claimAndEnqueue(found.key, found.source, body))) onDuplicate?.(found.key);
      return;
    }
    if (!(await claimEvent(db, found.key, found.source))) {
      onDuplicate?.(found.key);
      return;
    }
    await args.next();
  };
}
