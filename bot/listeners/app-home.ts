import type { App, BlockButtonAction } from "@slack/bolt";
import { HOME_ASK_ACTION } from "../render/home-view.ts";
import type { BotDeps } from "../slack/deps.ts";
import { askFromHome } from "../slack/home-ask.ts";
import { refreshHome } from "../slack/home-publish.ts";

/**
 * The App Home tab: opening it publishes the user's view (at most once a minute per user, see refreshHome), and its
 * one-click questions are answered in the user's DM. Budget buttons on the tab are the budget-decision listener's.
 */
export function registerAppHome(app: App, deps: BotDeps): void {
  app.event("app_home_opened", async ({ event, client }) => {
    // The Messages and About tabs fire the same event; only the Home tab has a view to publish.
    if (event.tab !== "home") return;
    deps.background(async () => {
      await refreshHome(deps, client, event.user);
    });
  });
  app.action<BlockButtonAction>(new RegExp(`^${HOME_ASK_ACTION}_\\d+$`), async ({ action, body, client }) => {
    if (!action.value) return;
    const questionId = action.value;
    deps.background(() => askFromHome(deps, client, body.user.id, questionId));
  });
}
