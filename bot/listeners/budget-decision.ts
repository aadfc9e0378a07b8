import type { App, BlockButtonAction } from "@slack/bolt";
import { resolveCaller } from "../../agent/callers.ts";
import { invokeTool } from "../../tools/run-tool.ts";
import type { Caller } from "../../tools/tool.ts";
import { ACTIONS, adjustBudgetModal, CALLBACKS } from "../render/blocks.ts";
import { escapeControl } from "../render/escape.ts";
import { type BotDeps, friendlyError, invokeOptions } from "../slack/deps.ts";
import { refreshHome } from "../slack/home-publish.ts";
import { claimEvent } from "../slack/processed-events.queries.ts";

interface AdjustOrigin {
  proposalId: number;
  channel: string;
  threadTs: string;
  /** Clicked on the Home tab: answers go to the user's DM and the tab is published again. */
  home?: boolean;
}

const DECIDERS: readonly string[] = ["manager", "admin"];
const REFUSAL = "Only managers and admins can approve, adjust or reject budget proposals. Ask your manager to decide.";

/** Approve / Adjust / Reject on budget proposals: managers and admins only, others get an ephemeral refusal. */
export function registerBudgetDecision(app: App, deps: BotDeps): void {
  const decide = (decision: "approve" | "reject") =>
    (async ({ action, body, client }) => {
      const home = body.view?.type === "home";
      // A Home tab click has no channel: Beacon answers in the user's DM with it (a user id as channel).
      const channel = body.channel?.id ?? body.user.id;
      const threadTs = body.message?.thread_ts ?? body.message?.ts;
      deps.background(async () => {
        const caller = await resolveCaller(deps.db.pool, body.user.id, deps.config.BEACON_DEFAULT_ROLE);
        if (!DECIDERS.includes(caller.role)) {
          await tell(deps, home, channel, body.user.id, REFUSAL, threadTs);
          return;
        }
        const args = { proposal_id: Number(action.value), decision, note: `${decision}d in Slack by ${body.user.id}` };
        await runAndPost(deps, caller, "decide_budget_proposal", args, channel, threadTs, body.user.id, home);
        if (home) await refreshHome(deps, client, body.user.id, { force: true });
      });
    }) satisfies Parameters<typeof app.action<BlockButtonAction>>[1];
  app.action<BlockButtonAction>(ACTIONS.budgetApprove, decide("approve"));
  app.action<BlockButtonAction>(ACTIONS.budgetReject, decide("reject"));
  app.action<BlockButtonAction>(ACTIONS.budgetAdjust, async ({ action, body, client }) => {
    const home = body.view?.type === "home";
    const channel = body.channel?.id ?? body.user.id;
    const threadTs = body.message?.thread_ts ?? body.message?.ts ?? "";
    const caller = await resolveCaller(deps.db.pool, body.user.id, deps.config.BEACON_DEFAULT_ROLE);
    if (!DECIDERS.includes(caller.role)) {
      await tell(deps, home, channel, body.user.id, REFUSAL, threadTs).catch(() => undefined);
      return;
    }
    const origin: AdjustOrigin = { proposalId: Number(action.value), channel, threadTs, home };
    await client.views
      .open({ trigger_id: body.trigger_id, view: adjustBudgetModal(origin.proposalId, JSON.stringify(origin)) })
      .catch((error) => deps.logger.error("could not open the adjust modal", error));
  });
  app.view(CALLBACKS.adjustModal, async ({ ack, view, body, client }) => {
    await ack();
    const origin = JSON.parse(view.private_metadata) as AdjustOrigin;
    const number = (id: string) => {
      const raw = view.state.values[id]?.value?.value;
      return raw === undefined || raw === null || raw === "" ? undefined : Number(raw);
    };
    deps.background(async () => {
      if (!(await claimEvent(deps.db.pool, `view:${view.id}`, "interaction"))) return;
      const caller = await resolveCaller(deps.db.pool, body.user.id, deps.config.BEACON_DEFAULT_ROLE);
      const home = origin.home === true;
      if (!DECIDERS.includes(caller.role)) {
        await tell(deps, home, origin.channel, body.user.id, REFUSAL, origin.threadTs);
        return;
      }
      const args: Record<string, unknown> = { revises_proposal_id: origin.proposalId };
      const total = number("total_budget");
      const cap = number("max_change_pct");
      if (total !== undefined) args.total_budget = total;
      if (cap !== undefined) args.max_change_pct = cap;
      await runAndPost(
        deps,
        caller,
        "recommend_budget",
        args,
        origin.channel,
        origin.threadTs || undefined,
        body.user.id,
        home,
      );
      if (home) await refreshHome(deps, client, body.user.id, { force: true });
    });
  });
}

async function runAndPost(
  deps: BotDeps,
  caller: Caller,
  tool: string,
  args: Record<string, unknown>,
  channel: string,
  threadTs: string | undefined,
  user: string,
  home = false,
): Promise<void> {
  try {
    const outcome = await invokeTool(deps.db, tool, args, invokeOptions(deps, caller));
    if (!outcome.ok) {
      await tell(deps, home, channel, user, `:warning: ${escapeControl(outcome.error)}`, threadTs);
      return;
    }
    const summary = String((outcome.result as { summary?: unknown }).summary ?? `${tool} done.`);
    await deps.delivery.postAnswer(
      channel,
      threadTs,
      {
        runId: null,
        text: summary,
        outcome: "ok",
        steps: [{ tool, args, ok: true, rows: null, elapsedMs: outcome.elapsedMs }],
        results: tool === "recommend_budget" ? [{ tool, args, result: outcome.result }] : [],
        freshness: null,
        model: null,
        suggestions: [],
      },
      `<@${user}>`,
    );
  } catch (error) {
    deps.logger.error(`${tool} from a button failed`, error);
    await tell(deps, home, channel, user, `:warning: ${friendlyError(error)}`, threadTs).catch(() => undefined);
  }
}

/** A private note: ephemeral in a channel; from the Home tab (no channel to be ephemeral in) a DM. */
async function tell(
  deps: BotDeps,
  home: boolean,
  channel: string,
  user: string,
  text: string,
  threadTs: string | undefined,
): Promise<void> {
  if (home) await deps.delivery.postText(channel, threadTs, text);
  else await deps.delivery.ephemeral(channel, user, text, threadTs);
}
