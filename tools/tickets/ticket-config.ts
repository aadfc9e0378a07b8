// The two ticket settings tools need; ToolContext carries no configuration, so they are read here, once.
import { loadConfig } from "../../config.ts";
import type { AttentionRule } from "./tickets.queries.ts";

/** Days after resolving a ticket when the customer is due a follow-up call (BEACON_FOLLOW_UP_DAYS). */
export function followUpDays(): number {
  return loadConfig().BEACON_FOLLOW_UP_DAYS;
}

/** "Needs attention" as of `now`: overdue follow-ups and P1s untouched for BEACON_P1_UNTOUCHED_HOURS. */
export function attentionRule(now: Date): AttentionRule {
  return { now, p1UntouchedHours: loadConfig().BEACON_P1_UNTOUCHED_HOURS };
}
