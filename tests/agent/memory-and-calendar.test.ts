import { AIMessage, HumanMessage, ToolMessage } from "@langchain/core/messages";
import { describe, expect, it } from "vitest";
import { namedPeriods } from "../../agent/calendar.ts";
import { MEMORY_LIMITS, trimHistory } from "../../agent/memory.ts";
import { detectLanguage } from "../../agent/replies.ts";

describe("trimHistory", () => {
  it("keeps the last turns and shortens old tool results more than recent ones", () => {
    const big = "x".repeat(10_000);
    const messages = [];
    for (let turn = 0; turn < 8; turn++) {
      messages.push(new HumanMessage(`q${turn}`));
      messages.push(new AIMessage({ content: "", tool_calls: [{ id: `c${turn}`, name: "compute_kpis", args: {} }] }));
      messages.push(new ToolMessage({ content: big, tool_call_id: `c${turn}` }));
      messages.push(new AIMessage(`a${turn}`));
    }
    const kept = trimHistory(messages);
    expect(kept).toHaveLength(MEMORY_LIMITS.turns * 4);
    expect(kept[0]?.content).toBe("q2");
    const tools = kept.filter((m) => ToolMessage.isInstance(m)).map((m) => String(m.content).length);
    expect(tools.slice(0, -1).every((n) => n < MEMORY_LIMITS.olderToolChars + 40)).toBe(true);
    expect(tools.at(-1)).toBeGreaterThan(MEMORY_LIMITS.recentToolChars);
    expect(tools.at(-1)).toBeLessThan(MEMORY_LIMITS.recentToolChars + 40);
  });
});

describe("namedPeriods", () => {
  it("resolves calendar and fiscal periods", () => {
    const p = namedPeriods("2026-02-10", 4);
    expect(p["last month"]).toEqual(["2026-01-01", "2026-01-31"]);
    expect(p["last quarter"]).toEqual(["2025-10-01", "2025-12-31"]);
    expect(p["this fiscal quarter to date"]).toEqual(["2026-01-01", "2026-02-10"]);
    expect(p["this fiscal year to date"]).toEqual(["2025-04-01", "2026-02-10"]);
    expect(p["last week (Mon-Sun)"]).toEqual(["2026-02-02", "2026-02-08"]);
    expect(p["same month last year"]).toEqual(["2025-02-01", "2025-02-28"]);
  });
});

describe("detectLanguage", () => {
  it("answers Chinese questions in Chinese", () => {
    expect(detectLanguage("上个月抖音的ROAS是多少?")).toBe("zh");
    expect(detectLanguage("What was ROAS on Douyin?")).toBe("en");
  });
});
