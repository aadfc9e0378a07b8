import { type Database, withTransaction } from "../../db/pool.ts";
import { claimEvent } from "../slack/processed-events.queries.ts";
import { type JobQueue, QUEUES } from "./queue.ts";
import { notifyWorkers } from "./wake.ts";
import type { SlackDeliveryJob } from "./workers.ts";

/**
 * Where a receiver puts the Slack deliveries that take longer than Slack's 3-second acknowledgement: events
 * (messages, mentions, assistant threads) and slash commands. Button clicks and view submissions stay in the
 * process that received them: several open a modal, and a trigger_id is only valid for 3 seconds.
 */
export class DeliveryQueue {
  /** Called after a job was committed (the process's own workers are woken instead of waiting for their poll). */
  onEnqueued: () => void = () => undefined;

  constructor(
    private readonly db: Database,
    private readonly queue: JobQueue,
  ) {}

  /** True for the deliveries that are queued (see the class comment). */
  queues(source: string): boolean {
    return source === "events_api" || source === "slash_command";
  }

  /**
   * Claims the delivery id and enqueues its body in one transaction: either both happen or neither, so a process
   * that dies after the claim cannot lose the work (the job is there), and a Slack retry finds the claim and stops.
   * False when the id was claimed before.
   */
  async claimAndEnqueue(key: string, source: string, body: Record<string, unknown>): Promise<boolean> {
    const job: SlackDeliveryJob = { body };
    const claimed = await withTransaction(this.db.pool, async (client) => {
      if (!(await claimEvent(client, key, source))) return false;
      await this.queue.sendIn(client, QUEUES.slackDelivery, job);
      // Workers in other processes hear of it at commit instead of at their next poll (wake.ts).
      await notifyWorkers(client);
      return true;
    });
    if (claimed) this.onEnqueued();
    return claimed;
  }
}
