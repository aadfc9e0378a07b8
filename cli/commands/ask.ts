import { runSubcommand, subcommandOf } from "../../bot/commands/subcommands.ts";
import { NO_MODEL_HINT } from "../../bot/console/answer-line.ts";
import { helpReply, nearMissReply } from "../../bot/console/commands.ts";
import { renderPlainAnswer } from "../../bot/render/plain-answer.ts";
import { loadConfig } from "../../config.ts";
import { parseCommandArgs, UsageError } from "../args.ts";
import { log, printJson, withDatabase } from "../context.ts";
import { lazyAnalyst } from "../lazy-analyst.ts";
import { roleOption } from "./chat.ts";

const USAGE = `Usage: beacon ask "<question>" [--role R] [--json]
  One question, one answer, for scripts. A question that starts with a command word runs it without the model,
  e.g. beacon ask "kpi group_by=channel"; free text needs OPENAI_API_KEY. beacon ask help (or "help kpi")
  prints the commands (or one command's arguments and allowed values) without asking the model.
  --json prints the whole answer (text, tool steps, results) as JSON. Exit code 1 when the answer is a failure,
  or when the question is a mistyped command ("kpis": did you mean "kpi"?).`;

/** `beacon ask "<question>"`: one-shot answer on stdout. */
export async function askCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    { role: { type: "string" }, json: { type: "boolean" } },
    USAGE,
  );
  const question = positionals.join(" ").trim();
  if (question === "") throw new UsageError("give the question, in quotes", USAGE);
  const role = roleOption(values.role, USAGE) ?? "admin";
  // Help and typos need no database: only whether free text would work.
  const help = helpReply(question, Boolean(loadConfig().OPENAI_API_KEY), "cli");
  if (help !== null) {
    process.stdout.write(`${help}\n`);
    return 0;
  }
  const nearMiss = nearMissReply(question);
  if (nearMiss) {
    log(nearMiss);
    return 1;
  }
  const caller = { userId: "cli", role, canSeePii: role === "admin" || role === "support" };
  return withDatabase(async (db, config) => {
    const options = { caller, timezone: config.BEACON_TIMEZONE, currency: config.BEACON_CURRENCY };
    const sub = subcommandOf(question);
    if (sub) {
      const outcome = await runSubcommand(db, sub, question.slice(sub.length), options, "");
      if (!outcome.ok) {
        log(outcome.message);
        return 1;
      }
      if (values.json) printJson(outcome.view);
      else process.stdout.write(`${renderPlainAnswer(outcome.view, options)}\n`);
      return 0;
    }
    const analyst = lazyAnalyst({ db, config });
    if (!analyst.modelConfigured) {
      log(NO_MODEL_HINT.replace("the commands above", "deterministic commands"));
      return 1;
    }
    const answer = await analyst.ask({
      question,
      userId: caller.userId,
      surface: "cli",
      threadKey: `cli:${Date.now()}`,
      caller,
      onProgress: (status) => log(`  … ${status}`),
    });
    if (values.json) printJson(answer);
    // A failure is not an answer: scripts read it on stderr, with the operator detail (endpoint, what to check).
    if (answer.outcome === "error" && answer.failure) {
      log(
        `beacon ask: ${answer.failure.message}${answer.failure.detail ? `\n  detail: ${answer.failure.detail}` : ""}`,
      );
      return 1;
    }
    if (!values.json) process.stdout.write(`${renderPlainAnswer(answer, options)}\n`);
    return 0;
  });
}
