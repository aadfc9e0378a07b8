// Issue 23: a question asked in Chinese gets Chinese next-question buttons, end to end through the real analyst
// (language detected from the question) over the fake OpenAI server; an English question keeps English ones.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAnalyst } from "../../agent/analyst.ts";
import type { AgentAnswer } from "../../agent/types.ts";
import { answerBlocks } from "../../bot/render/blocks.ts";
import { parseConfig } from "../../config.ts";
import type { Database } from "../../db/pool.ts";
import { generateDemo } from "../../derived/demo.ts";
import { type FakeOpenAI, startFakeOpenAI } from "../fakes/fake-openai-server.ts";
import { testEngines } from "../helpers/databases.ts";

const NOW = new Date("2026-11-01T04:00:00Z");
const SETTINGS = { currency: "CNY", timezone: "Asia/Shanghai" };
const byChannel = { start: "2026-10-01", end: "2026-10-31", group_by: ["channel"], compare: "none" };

describe.each(testEngines())("next-question buttons by language on $name", (engine) => {
  let db: Database;
  let fake: FakeOpenAI;
  let thread = 0;
  beforeAll(async () => {
    db = await engine.open();
    await generateDemo(db, { customers: 200, seed: 9, endDate: "2026-10-31", months: 2 });
    fake = await startFakeOpenAI();
  }, 120_000);
  afterAll(async () => {
    await fake?.close();
    await db?.close();
  });

  async function ask(question: string, reply: string): Promise<AgentAnswer> {
    fake.enqueue({ toolCalls: [{ name: "compute_kpis", args: byChannel }] }, { text: reply });
    const config = parseConfig({
      OPENAI_API_KEY: "sk-test",
      OPENAI_BASE_URL: fake.baseURL,
      OPENAI_MAX_RETRIES: "0",
      BEACON_RATE_LIMIT_PER_MINUTE: "1000",
    });
    return createAnalyst({ db, config }).ask({
      question,
      userId: "UADMIN",
      caller: { userId: "UADMIN", role: "admin", canSeePii: true },
      surface: "slack",
      threadKey: `next-${engine.name}-${++thread}`,
      now: NOW,
    });
  }
  const buttons = (answer: AgentAnswer) => {
    const { blocks } = answerBlocks(answer, SETTINGS);
    const actions = blocks.find((b) => (b as { block_id?: string }).block_id === "follow_ups") as unknown as {
      elements: { text: { text: string }; value: string }[];
    };
    return actions.elements.map((e) => ({ label: e.text.text, asks: e.value }));
  };

  it("a Chinese question: the buttons' labels and questions are Chinese", async () => {
    const answer = await ask("上个月各渠道的 ROAS 是多少？", "各渠道的 ROAS 见下表。");
    expect(answer.language).toBe("zh");
    const shown = buttons(answer);
    expect(shown[0]).toEqual({
      label: "按广告活动看同样的 KPI（2026-10-01 至 2026-10-31）",
      asks: "按广告活动看同样的 KPI（2026-10-01 至 2026-10-31）",
    });
    expect(shown[1]?.asks).toBe("与上一周期（2026-08-31 至 2026-09-30）对比");
    for (const b of shown) expect(b.asks).toMatch(/[\u4e00-\u9fff]/);
  });

  it("an English question: English buttons", async () => {
    const answer = await ask("What was ROAS by channel last month?", "ROAS by channel is in the table.");
    expect(answer.language).toBe("en");
    const shown = buttons(answer);
    expect(shown[0]?.asks).toBe("Same KPIs by campaign from 2026-10-01 to 2026-10-31");
    expect(shown[1]?.asks).toBe("Compare with the previous period (2026-08-31 to 2026-09-30)");
    for (const b of shown) expect(b.asks).not.toMatch(/[\u4e00-\u9fff]/);
  });
});
