import type { ToolStep } from "./types.ts";

const FOLLOW_UPS: Record<string, { en: string[]; zh: string[] }> = {
  compute_attribution: {
    en: ["Compare attribution models side by side", "How much do platforms over-claim?"],
    zh: ["对比不同归因模型", "各平台多报了多少转化?"],
  },
  reconcile_platform_conversions: {
    en: ["What is de-duplicated ROAS by channel?", "Which platforms overlap most?"],
    zh: ["排重后各渠道 ROAS 是多少?", "哪些平台重叠最多?"],
  },
  compute_kpis: {
    en: ["Compare with the same period last year", "Break this down by channel"],
    zh: ["与去年同期对比", "按渠道拆分"],
  },
  recommend_budget: {
    en: ["What if the budget grows 20%?", "Which channels are saturated?"],
    zh: ["预算增加 20% 会怎样?", "哪些渠道已饱和?"],
  },
  segment_customers: {
    en: ["Which segment is most at risk?", "Lifetime value by segment"],
    zh: ["哪个客群流失风险最高?", "各客群的生命周期价值"],
  },
  estimate_clv: {
    en: ["Which customers are likely to churn?", "CLV by acquisition channel"],
    zh: ["哪些客户可能流失?", "按获客渠道看 CLV"],
  },
};

/** Up to two follow-up questions suggested by the tools this answer used. */
export function suggestFollowUps(steps: ToolStep[], language: "en" | "zh"): string[] {
  const used = [...new Set(steps.filter((s) => s.ok).map((s) => s.tool))];
  return used.flatMap((tool) => FOLLOW_UPS[tool]?.[language] ?? []).slice(0, 2);
}
