import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Database } from "../db/pool.ts";
import type { Embedder } from "./embedders/embedder.ts";
import { type IngestReport, ingestFolder } from "./ingest.ts";

/** Beacon's bundled starter playbook (English and 中文). */
export const PLAYBOOK_DIR = join(dirname(fileURLToPath(import.meta.url)), "docs");
export const PLAYBOOK_COLLECTION = "playbook";

/** Ingests the bundled playbook; a no-op costing a few milliseconds when nothing changed. */
export function ingestPlaybook(
  db: Database,
  embedders: readonly Embedder[],
  onProgress?: (message: string) => void,
): Promise<IngestReport> {
  return ingestFolder(db, PLAYBOOK_DIR, {
    collection: PLAYBOOK_COLLECTION,
    embedders,
    ...(onProgress ? { onProgress } : {}),
  });
}
