import type { App, BlockButtonAction } from "@slack/bolt";
import { ALERT_ACTIONS } from "../render/alert-view.ts";
import { type AlertClick, explainAlert, muteFromAlert } from "../slack/alert-buttons.ts";
import type { BotDeps } from "../slack/deps.ts";

/** "Why?" and "Mute 7 days" on anomaly alerts (acked by the dedupe middleware); the work runs in the background. */
export function registerAlertActions(app: App, deps: BotDeps): void {
  const clickOf = (action: BlockButtonAction["actions"][number], body: BlockButtonAction): AlertClick | null => {
    const channel = body.channel?.id;
    if (!channel) return null;
    return { alertId: Number(action.value), user: body.user.id, channel, messageTs: body.message?.ts };
  };
  app.action<BlockButtonAction>(ALERT_ACTIONS.why, async ({ action, body }) => {
    const click = clickOf(action, body);
    if (click) deps.background(() => explainAlert(deps, click));
  });
  app.action<BlockButtonAction>(ALERT_ACTIONS.mute, async ({ action, body, client }) => {
    const click = clickOf(action, body);
    if (click) deps.background(() => muteFromAlert(deps, client, click));
  });
}
