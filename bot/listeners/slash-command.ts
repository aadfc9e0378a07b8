import type { App } from "@slack/bolt";
import { resolveCallerIn } from "../../agent/callers.ts";
import { closestMatch } from "../commands/did-you-mean.ts";
import { plainSlashText } from "../commands/slack-text.ts";
import { helpText, runSubcommand, SUBCOMMANDS, usageOf } from "../commands/subcommands.ts";
import { defuseAtMentions, escapeControl } from "../render/escape.ts";
import { answerQuestion } from "../slack/answer-question.ts";
import { type BotDeps, friendlyError, invokeOptions } from "../slack/deps.ts";
import { DIGEST_HELP, DIGEST_USAGE, digestCommand } from "../slack/digest-command.ts";
import { requestUpload } from "../slack/import-flow.ts";

const PREFIX = "/beacon ";
// Slack only: the console and `beacon ask` have `beacon import` instead.
const IMPORT_HELP = `  ${PREFIX}import [entity]  then attach a CSV in a DM with Beacon: preview, then Import / Cancel (roles in BEACON_IMPORT_ROLES)\n${DIGEST_HELP}`;
const code = (text: string) => `\`\`\`${escapeControl(text)}\`\`\``;
// User text echoed into a channel: no <!channel>, @everyone, @here or <@U…> pings, as for model text.
const echo = (text: string) => defuseAtMentions(escapeControl(text));

/** `/beacon help | ask <question> | kpi | segment | attribution | budget | ticket | summary` (acked by the middleware). */
export function registerSlashCommand(app: App, deps: BotDeps): void {
  app.command("/beacon", async ({ command }) => {
    const text = plainSlashText(command.text).trim();
    const [word = "help", ...restWords] = text.split(/\s+/);
    const rest = text.slice(word.length).trim();
    const { channel_id: channel, user_id: user } = command;
    const tell = (message: string) => deps.delivery.ephemeral(channel, user, message);
    deps.background(async () => {
      try {
        const name = word.toLowerCase();
        if (name === "help" || name === "") {
          const topic = restWords[0]?.toLowerCase();
          await tell(
            code(
              topic === "digest"
                ? DIGEST_USAGE
                : topic && topic in SUBCOMMANDS
                  ? usageOf(topic, PREFIX)
                  : `${helpText(PREFIX, deps.analyst.modelConfigured)}\n${IMPORT_HELP}`,
            ),
          );
          return;
        }
        if (name === "ask") {
          if (rest === "") {
            await tell(`Usage: \`/beacon ask <question>\`, e.g. \`/beacon ask ROAS by channel last month\``);
            return;
          }
          const ts = await deps.delivery.postText(channel, undefined, `<@${user}> asked: ${echo(rest)}`);
          if (ts) await answerQuestion(deps, { question: rest, userId: user, channel, threadTs: ts });
          return;
        }
        if (name === "import") {
          await tell(await requestUpload(deps, user, channel, rest));
          return;
        }
        if (name === "digest") {
          await tell(await digestCommand(deps, user, rest));
          return;
        }
        if (!(name in SUBCOMMANDS)) {
          const guess = closestMatch(name, [...Object.keys(SUBCOMMANDS), "ask", "help", "import", "digest"]);
          const hint = guess ? ` Did you mean \`${PREFIX}${guess}\`?` : "";
          await tell(
            `Unknown command \`${escapeControl(word)}\`.${hint}\n${code(helpText(PREFIX, deps.analyst.modelConfigured))}`,
          );
          return;
        }
        // The result is posted in `channel`: masked for everyone there unless it is a DM.
        const caller = await resolveCallerIn(deps.db.pool, user, deps.config.BEACON_DEFAULT_ROLE, channel);
        const outcome = await runSubcommand(
          deps.db,
          name,
          rest,
          invokeOptions(deps, caller),
          PREFIX,
          extraArgs(name, command.trigger_id, rest),
        );
        if (!outcome.ok) {
          await tell(code(outcome.message));
          return;
        }
        await deps.delivery.postAnswer(
          channel,
          undefined,
          outcome.view,
          `<@${user}> ran \`/beacon ${echo(text).slice(0, 200)}\``,
        );
      } catch (error) {
        deps.logger.error("/beacon failed", error);
        await tell(`:warning: ${friendlyError(error)}`).catch(() => undefined);
      }
    });
  });
}

// Filing a ticket from the command is idempotent per command invocation.
function extraArgs(name: string, triggerId: string, rest: string): Record<string, unknown> {
  if (name === "ticket") return { idempotency_key: `slash:${triggerId}` };
  // In Slack, /beacon budget is the proposal flow (its answer carries Approve/Reject buttons), so it is saved.
  if (name === "budget" && !/^\s*list\b/.test(rest)) return { save_proposal: true };
  return {};
}
