import { describe, expect, it } from "vitest";
import { routeTools, TOOL_GROUPS, toolsOfGroups } from "../../agent/tool-router.ts";
import { TOOLS } from "../../tools/index.ts";
import type { Role } from "../../tools/tool.ts";

const roleTools = (role: Role) => TOOLS.filter((t) => t.roles.includes(role)).map((t) => t.name);

describe("routeTools", () => {
  it("sends a summary for a meeting the summary, KPI and attribution tools only", () => {
    const offered = routeTools(
      "Give me a summary of last week for the leadership meeting: what moved and why",
      [],
      roleTools("manager"),
    );
    expect(offered.sort()).toEqual(["compute_attribution", "compute_kpis", "describe_data", "summarize_period"]);
  });

  it("routes English and Chinese questions to the same groups", () => {
    const pairs: [string, string, string][] = [
      [
        "How many conversions did Douyin claim versus real orders?",
        "抖音声称的转化和真实订单差多少?",
        "reconcile_platform_conversions",
      ],
      ["Which customers are at risk of churning?", "哪些客户有流失风险?", "segment_customers"],
      ["Reallocate next month's budget", "下个月的预算怎么分配?", "recommend_budget"],
      ["Show open complaint tickets", "列出未解决的投诉工单", "list_tickets"],
      ["Is variant B of the A/B test significant?", "这个实验的B组显著吗?", "compare_ab_test"],
      ["What is our refund policy?", "我们的退款政策是什么?", "search_knowledge"],
    ];
    for (const [english, chinese, tool] of pairs) {
      expect(routeTools(english, [], roleTools("admin")), english).toContain(tool);
      expect(routeTools(chinese, [], roleTools("admin")), chinese).toContain(tool);
    }
  });

  it("offers every role tool when it cannot tell what the question needs", () => {
    expect(routeTools("Anything I should know?", [], roleTools("marketer"))).toEqual(roleTools("marketer"));
    expect(routeTools("你好", [], roleTools("support"))).toEqual(roleTools("support"));
  });

  it("keeps the tools a thread already used for a follow-up", () => {
    const offered = routeTools("and for Douyin only?", ["reconcile_platform_conversions"], roleTools("marketer"));
    expect(offered.sort()).toEqual(["compute_kpis", "describe_data", "reconcile_platform_conversions"]);
  });

  it("never offers a tool the role may not use", () => {
    const offered = routeTools("approve budget proposal 4", [], roleTools("marketer"));
    expect(offered).toContain("list_budget_proposals");
    expect(offered).not.toContain("decide_budget_proposal");
    expect(routeTools("approve budget proposal 4", [], roleTools("manager"))).toContain("decide_budget_proposal");
  });

  it("groups name only registered tools, and every registered tool is in a group", () => {
    const grouped = new Set(TOOL_GROUPS.flatMap((g) => g.tools));
    expect([...grouped].filter((name) => !TOOLS.some((t) => t.name === name))).toEqual([]);
    expect(TOOLS.map((t) => t.name).filter((name) => !grouped.has(name))).toEqual([]);
    expect(toolsOfGroups(["sql", "nonsense"])).toEqual(["query_database"]);
  });
});
