import { resolve } from "node:path";
import { type Config, loadConfig } from "../../config.ts";
import { migrate } from "../../db/migrate.ts";
import { type Database, openDatabase } from "../../db/pool.ts";
import { describeEmbedder, ingestEmbedders } from "../../knowledge/embedders/choose.ts";
import { lexicalEmbedder } from "../../knowledge/embedders/lexical.ts";
import { type EvalSummary, evaluateRetrieval, loadQuestions } from "../../knowledge/eval/evaluate.ts";
import { type IngestReport, ingestFolder } from "../../knowledge/ingest.ts";
import { fetchCounts, fetchDocumentList } from "../../knowledge/knowledge.queries.ts";
import { ingestPlaybook, PLAYBOOK_COLLECTION, PLAYBOOK_DIR } from "../../knowledge/playbook.ts";
import { parseCommandArgs, UsageError } from "../args.ts";
import { log, printJson, withDatabase } from "../context.ts";

const USAGE = `Usage:
  beacon ingest [path] [--collection NAME]
      Loads Markdown (.md), text (.txt) and text PDF (.pdf) files from a folder (or one file) into the knowledge base.
      Without a path: Beacon's bundled playbook (knowledge/docs, collection "playbook").
      Idempotent: unchanged files are skipped, changed files replace their passages in one transaction,
      files deleted from the folder are removed. Stored paths are <collection>/<path in the folder>;
      the collection defaults to the folder's name.
      Vectors: the offline lexical embedder always; OpenAI embeddings too when OPENAI_API_KEY is set.
  beacon ingest --list
      The ingested documents.
  beacon ingest --eval
      Retrieval evaluation (knowledge/eval/questions.json) on a throwaway in-memory database: recall@5 and
      MRR for the lexical embedder (hybrid and vector only), full-text alone, and OpenAI when configured.`;

/** `beacon ingest`: load documents into the knowledge base, list them, or evaluate retrieval. */
export async function ingestCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    { collection: { type: "string" }, eval: { type: "boolean" }, list: { type: "boolean" } },
    USAGE,
  );
  if (positionals.length > 1) throw new UsageError(`expected at most one path, got ${positionals.join(" ")}`, USAGE);
  if (values.collection !== undefined && !/^[\w.-]{1,60}$/.test(values.collection)) {
    throw new UsageError(
      `--collection must be letters, digits, "_", "-" or "." (at most 60), got "${values.collection}"`,
      USAGE,
    );
  }
  if (values.eval) return runEvaluation();
  if (values.list) {
    return withDatabase(async (db) => {
      printJson({ ...(await fetchCounts(db.pool)), documents: await fetchDocumentList(db.pool) });
      return 0;
    });
  }
  return withDatabase(async (db, config) => {
    const embedders = await ingestEmbedders(config);
    log(`Embedders: ${embedders.map(describeEmbedder).join("; ")}`);
    const path = positionals[0];
    const report =
      path === undefined
        ? await ingestPlaybook(db, embedders, log)
        : await ingestFolder(db, resolve(path), {
            embedders,
            onProgress: log,
            ...(values.collection ? { collection: values.collection } : {}),
          });
    printJson(report);
    return 0;
  });
}

async function runEvaluation(): Promise<number> {
  const config = loadConfig();
  const db = await openDatabase({ dataDir: "memory://" });
  try {
    await migrate(db.pool);
    const embedders = await ingestEmbedders(config);
    log(`Ingesting ${PLAYBOOK_DIR} into an in-memory database (${embedders.map((e) => e.model).join(", ")})`);
    await ingestFolder(db, PLAYBOOK_DIR, { collection: PLAYBOOK_COLLECTION, embedders });
    const questions = loadQuestions();
    const results: EvalSummary[] = [
      await evaluateRetrieval(
        db,
        "lexical embedder, hybrid (vector + full-text, RRF)",
        "hybrid",
        lexicalEmbedder,
        questions,
      ),
      await evaluateRetrieval(db, "lexical embedder, vector only", "vector", lexicalEmbedder, questions),
      await evaluateRetrieval(db, "full-text only", "text", undefined, questions),
    ];
    const semantic = embedders.find((e) => e.kind === "semantic");
    if (semantic) {
      results.push(await evaluateRetrieval(db, `${semantic.model}, hybrid`, "hybrid", semantic, questions));
      results.push(await evaluateRetrieval(db, `${semantic.model}, vector only`, "vector", semantic, questions));
    } else {
      log("OPENAI_API_KEY is not set: OpenAI embeddings not evaluated.");
    }
    for (const r of results) {
      log(
        `${r.name.padEnd(52)} recall@5 ${r.recall_at_5.toFixed(3)}  MRR ${r.mrr.toFixed(3)}  ` +
          `(en ${r.groups.en?.recall_at_5.toFixed(3)}, zh ${r.groups.zh?.recall_at_5.toFixed(3)}, cross-language ${r.groups.cross_language?.recall_at_5.toFixed(3)})`,
      );
    }
    printJson({ questions: questions.length, results });
    return 0;
  } finally {
    await db.close();
  }
}

/**
 * At start: ingest the bundled playbook (milliseconds when unchanged). If the OpenAI embedder fails, the lexical
 * vectors are still stored (OpenAI ones are back-filled by a later start); a failure is logged, never fatal.
 */
export async function ensurePlaybook(db: Database, config: Config): Promise<void> {
  const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));
  const embedders = await ingestEmbedders(config).catch(() => [lexicalEmbedder]);
  let report: IngestReport;
  try {
    report = await ingestPlaybook(db, embedders);
  } catch (error) {
    if (embedders.length === 1) {
      log(`Knowledge base: could not ingest the bundled playbook (${describe(error)}).`);
      return;
    }
    log(`Knowledge base: semantic embeddings failed (${describe(error)}); storing lexical vectors only.`);
    try {
      report = await ingestPlaybook(db, [lexicalEmbedder]);
    } catch (again) {
      log(`Knowledge base: could not ingest the bundled playbook (${describe(again)}).`);
      return;
    }
  }
  const changed = report.added.length + report.updated.length + report.deleted.length;
  const embedded = Object.values(report.embedded).reduce((a, b) => a + b, 0);
  if (changed > 0 || embedded > 0) {
    log(
      `Knowledge base: playbook ${report.added.length} added, ${report.updated.length} updated, ` +
        `${report.deleted.length} deleted, ${embedded} vectors computed.`,
    );
  }
}
