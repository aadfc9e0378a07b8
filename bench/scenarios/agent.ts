import { createAnalyst } from "../../agent/analyst.ts";
import { countTokens } from "../../agent/token-count.ts";
import { parseConfig } from "../../config.ts";
import { startFakeOpenAI } from "../../tests/fakes/fake-openai-server.ts";
import type { BenchRow } from "../report.ts";
import type { BenchSettings } from "../settings.ts";
import { percentile } from "../stats.ts";

const QUESTIONS = 60;
const NOW = new Date("2026-11-01T04:00:00Z");

/**
 * Pipeline overhead per question with the model answered instantly by a local fake: total latency minus time
 * waiting for the model minus the tools' own execution. What remains is context building (caller, quota,
 * freshness, memory), tool dispatch, the grounding check and the audit write.
 */
export async function benchAgent(settings: BenchSettings): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const engines: ("pglite" | "postgres")[] = settings.fixtures.hasServer() ? ["pglite", "postgres"] : ["pglite"];
  const fake = await startFakeOpenAI();
  try {
    for (const engine of engines) {
      const { db } = await settings.fixtures.demo(engine, 10_000);
      const analyst = createAnalyst({
        db,
        config: parseConfig({
          OPENAI_API_KEY: "sk-bench",
          OPENAI_BASE_URL: fake.baseURL,
          BEACON_RATE_LIMIT_PER_MINUTE: "100000",
        }),
      });
      const overhead: number[] = [];
      const totals: number[] = [];
      fake.requests.length = 0;
      const count = settings.quick ? 20 : QUESTIONS;
      for (let i = 0; i < count; i++) {
        fake.enqueue(
          { toolCalls: [{ name: "list_channels", args: { start: "2026-10-01", end: "2026-10-31" } }] },
          { text: "There are 16 channels." },
        );
        const answer = await analyst.ask({
          question: "Which channels do we have?",
          userId: "bench",
          caller: { userId: "bench", role: "marketer", canSeePii: false },
          surface: "cli",
          threadKey: `bench-${engine}-${i % 10}`,
          now: NOW,
        });
        if (answer.outcome !== "ok") throw new Error(`agent bench: ${answer.outcome} ${answer.text}`);
        const toolsMs = answer.steps.reduce((sum, s) => sum + s.elapsedMs, 0);
        totals.push(answer.latencyMs);
        overhead.push(answer.latencyMs - (answer.modelMs ?? 0) - toolsMs);
      }
      const overheadMedian = percentile(overhead.slice(3), 50); // the first questions warm caches and JIT
      rows.push({
        scenario: "agent",
        engine,
        size: "10k customers",
        metrics: {
          questions: count,
          overhead_median_ms: overheadMedian,
          overhead_p95_ms: percentile(overhead.slice(3), 95),
          total_median_ms: percentile(totals.slice(3), 50),
          // What each model call's prompt weighs (messages + routed tools, o200k), the fake's usage being scripted.
          prompt_tokens_per_call: Math.round(
            fake.requests.reduce(
              (sum, r) =>
                sum + countTokens(JSON.stringify(r.body.messages)) + countTokens(JSON.stringify(r.body.tools ?? [])),
              0,
            ) / Math.max(1, fake.requests.length),
          ),
        },
        target: "pipeline overhead <= 50 ms median",
        met: overheadMedian <= 50,
      });
    }
  } finally {
    await fake.close();
  }
  return rows;
}
