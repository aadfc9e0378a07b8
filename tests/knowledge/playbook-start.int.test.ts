// What `beacon start` does with the bundled playbook: ingest once, then nothing; lexical vectors even when the
// configured OpenAI endpoint is unreachable.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ensurePlaybook } from "../../cli/commands/ingest.ts";
import { parseConfig } from "../../config.ts";
import type { Database } from "../../db/pool.ts";
import { fetchStoredModels } from "../../knowledge/knowledge.queries.ts";
import { testEngines } from "../helpers/databases.ts";

describe("ensurePlaybook at start (PGlite)", () => {
  let db: Database;
  const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);

  beforeAll(async () => {
    db = await (testEngines()[0] as { open(): Promise<Database> }).open();
  });
  afterAll(async () => {
    stderr.mockRestore();
    await db.close();
  });

  it("stores lexical vectors when the OpenAI endpoint refuses connections, then does nothing when unchanged", async () => {
    // Port 9 (discard) is closed here: the SDK fails at once, with no retries.
    const config = parseConfig({
      OPENAI_API_KEY: "sk-test",
      OPENAI_BASE_URL: "http://127.0.0.1:9/v1",
      OPENAI_MAX_RETRIES: "0",
      OPENAI_TIMEOUT_MS: "2000",
    });
    await ensurePlaybook(db, config);
    const messages = stderr.mock.calls.map((c) => String(c[0])).join("");
    expect(messages).toMatch(/semantic embeddings failed .*storing lexical vectors only/);
    expect(messages).toMatch(/playbook 13 added/);
    const models = await fetchStoredModels(db.pool);
    expect(models.map((m) => m.model)).toEqual(["beacon-lexical-v1"]);

    stderr.mockClear();
    const started = performance.now();
    await ensurePlaybook(db, parseConfig({}));
    expect(performance.now() - started).toBeLessThan(2000);
    expect(stderr.mock.calls).toEqual([]);
  });
});
