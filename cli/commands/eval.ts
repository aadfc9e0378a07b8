import { resolve } from "node:path";
import { GOLDEN_SET, isMultiStep } from "../../agent/eval/golden-set.ts";
import { formatEvalReport, saveEvalJson } from "../../agent/eval/report.ts";
import { runEvaluation } from "../../agent/eval/run-eval.ts";
import { loadConfig } from "../../config.ts";
import { generateDemo } from "../../derived/demo.ts";
import { AppError } from "../../errors.ts";
import { hasChunks } from "../../knowledge/knowledge.queries.ts";
import { parseCommandArgs, positiveInt, UsageError } from "../args.ts";
import { log, withDatabase } from "../context.ts";
import { progressBar } from "../progress.ts";
import { DEFAULT_DEMO } from "./demo.ts";
import { ensurePlaybook } from "./ingest.ts";

const USAGE = `Usage:
  beacon eval [--only id,id] [--limit N] [--json PATH]
      Asks the analyst the golden set (${GOLDEN_SET.length} questions in English and 中文 over the demo data, ${GOLDEN_SET.filter(isMultiStep).length} of them
      needing several tools, a follow-up turn or arithmetic) through the configured OpenAI-compatible model
      (OPENAI_API_KEY, OPENAI_BASE_URL, OPENAI_MODEL) and scores tool selection, arguments, numbers (computed
      from the database), grounding, playbook citations, repairs, outcome and tokens. Prints a table and saves
      the run as JSON (default bench/results/eval-latest.json). Loads the demo data into an empty embedded
      database and the bundled playbook into the knowledge base.
      --only   run only these case ids      --limit  run the first N cases`;

/** `beacon eval`: the golden-set evaluation of the analyst against the configured model. */
export async function evalCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    { only: { type: "string" }, limit: { type: "string" }, json: { type: "string" } },
    USAGE,
  );
  if (positionals.length > 0) throw new UsageError(`unexpected arguments: ${positionals.join(" ")}`, USAGE);
  let cases = [...GOLDEN_SET];
  if (values.only !== undefined) {
    const ids = values.only
      .split(",")
      .map((id) => id.trim())
      .filter(Boolean);
    const unknown = ids.filter((id) => !GOLDEN_SET.some((c) => c.id === id));
    if (ids.length === 0 || unknown.length > 0) {
      throw new UsageError(
        `--only: unknown case id(s) ${unknown.join(", ") || "(none given)"}; known ids: ${GOLDEN_SET.map((c) => c.id).join(", ")}`,
        USAGE,
      );
    }
    cases = cases.filter((c) => ids.includes(c.id));
  }
  cases = cases.slice(0, positiveInt(values.limit, "limit", cases.length, USAGE));
  const jsonPath = values.json === undefined ? undefined : resolve(values.json);
  if (!loadConfig().OPENAI_API_KEY) {
    log(
      "beacon eval needs a chat model: set OPENAI_API_KEY (and OPENAI_BASE_URL / OPENAI_MODEL for an OpenAI-compatible server such as vLLM, Ollama or Azure OpenAI) in the environment or .env.",
    );
    return 1;
  }
  return withDatabase(async (db, config) => {
    const { rows } = await db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM customers");
    if ((rows[0]?.n ?? 0) === 0) {
      if (db.kind !== "pglite" && !config.BEACON_AUTO_DEMO) {
        throw new AppError(
          "not_found",
          "the database is empty: run `beacon demo` (the golden set is written for the demo data)",
        );
      }
      log(
        `The database is empty: loading the demo data set (${DEFAULT_DEMO.customers.toLocaleString("en-US")} customers).`,
      );
      await generateDemo(db, { ...DEFAULT_DEMO, onProgress: progressBar("demo") });
    }
    // Knowledge cases pass only when the answer cites the playbook, so the bundled one is loaded (skipped when unchanged).
    await ensurePlaybook(db, config);
    if (!(await hasChunks(db.pool))) {
      log("The knowledge base is empty (the playbook could not be ingested): knowledge cases will fail.");
    }
    log(
      `Evaluating ${cases.length} questions with ${config.OPENAI_MODEL}${config.OPENAI_BASE_URL ? ` at ${config.OPENAI_BASE_URL}` : ""} on ${db.label}`,
    );
    const run = await runEvaluation({
      db,
      config,
      cases,
      onCase: (result, index) =>
        log(
          `[${index + 1}/${cases.length}] ${result.id}: ${result.passed ? "PASS" : "FAIL"} (tools ${result.toolCorrect ? "ok" : "FAIL"}, numbers ${
            result.numbersCorrect === null ? "-" : result.numbersCorrect ? "ok" : "FAIL"
          }, cites ${result.citations.correct === null ? "-" : result.citations.correct ? "ok" : "FAIL"}, ${result.outcome}), ${(result.latencyMs / 1000).toFixed(1)} s`,
        ),
    });
    process.stdout.write(`${formatEvalReport(run)}\n`);
    log(`Saved ${saveEvalJson(run, jsonPath)}`);
    return 0;
  });
}
