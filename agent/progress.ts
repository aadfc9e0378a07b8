/** Status text shown while a tool runs ("is thinking…" in Slack, a line in the console). */
export function progressText(tool: string, args: Record<string, unknown>, language: "en" | "zh"): string {
  const model = typeof args.model === "string" ? args.model : typeof args.models === "object" ? "several models" : "";
  const en: Record<string, string> = {
    compute_attribution: `Computing ${model || "multi-touch"} attribution over the customer journeys…`,
    reconcile_platform_conversions: "Matching platform conversion claims against our orders…",
    compute_kpis: "Aggregating KPIs from orders and spend…",
    recommend_budget: "Fitting response curves and optimising the budget split…",
    segment_customers: "Scoring customers (RFM) and building segments…",
    estimate_clv: "Fitting the BG/NBD and Gamma-Gamma lifetime-value models…",
    compare_ab_test: "Testing the A/B difference for significance…",
    find_customers: "Looking up customers…",
    get_customer_profile: "Assembling the customer profile…",
    search_knowledge: "Searching the playbook…",
    query_database: "Running a read-only reporting query…",
  };
  const zh: Record<string, string> = {
    compute_attribution: "正在计算多触点归因…",
    reconcile_platform_conversions: "正在将平台转化与订单对账排重…",
    compute_kpis: "正在汇总 KPI…",
    recommend_budget: "正在拟合响应曲线并优化预算分配…",
    segment_customers: "正在进行 RFM 评分与客户分层…",
    estimate_clv: "正在拟合客户生命周期价值模型…",
    compare_ab_test: "正在检验 A/B 测试差异…",
    find_customers: "正在查找客户…",
    get_customer_profile: "正在整理客户档案…",
    search_knowledge: "正在检索知识库…",
    query_database: "正在运行只读报表查询…",
  };
  const table = language === "zh" ? zh : en;
  return table[tool] ?? (language === "zh" ? `正在运行 ${tool}…` : `Running ${tool.replaceAll("_", " ")}…`);
}
