import type { App } from "@slack/bolt";
import { dedupeMiddleware } from "../slack/dedupe.ts";
import type { BotDeps } from "../slack/deps.ts";
import { registerAlertActions } from "./alert-actions.ts";
import { registerAppHome } from "./app-home.ts";
import { registerAppMention } from "./app-mention.ts";
import { createAssistant } from "./assistant.ts";
import { registerBudgetDecision } from "./budget-decision.ts";
import { registerDigestActions } from "./digest-actions.ts";
import { registerDirectMessage } from "./direct-message.ts";
import { registerFeedbackShortcut } from "./feedback-shortcut.ts";
import { registerFeedbackSubmit } from "./feedback-submit.ts";
import { registerFileUpload } from "./file-upload.ts";
import { registerFollowUp } from "./follow-up.ts";
import { registerRating } from "./rating.ts";
import { registerSlashCommand } from "./slash-command.ts";
import { registerThreadReply } from "./thread-reply.ts";
import { registerVerify } from "./verify.ts";

/** Wires every listener, in one place. The dedupe middleware runs first and acknowledges commands and actions. */
export function registerListeners(app: App, deps: BotDeps): void {
  app.use(dedupeMiddleware(deps.db.pool, undefined, deps.deliveryQueue));
  // The assistant middleware claims messages in assistant threads before the plain DM listener sees them.
  app.assistant(createAssistant(deps));
  registerAppMention(app, deps);
  registerDirectMessage(app, deps);
  registerThreadReply(app, deps);
  registerFileUpload(app, deps);
  registerSlashCommand(app, deps);
  registerFeedbackShortcut(app, deps);
  registerFeedbackSubmit(app, deps);
  registerRating(app, deps);
  registerVerify(app, deps);
  registerBudgetDecision(app, deps);
  registerFollowUp(app, deps);
  registerDigestActions(app, deps);
  registerAlertActions(app, deps);
  registerAppHome(app, deps);
}
