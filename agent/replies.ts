import type { AgentAnswer, ToolStep } from "./types.ts";

/** An answer with nothing in it yet: the starting point of a run, and of stubs in tests and benchmarks. */
export function emptyAnswer(language: "en" | "zh"): AgentAnswer {
  return {
    runId: 0,
    text: "",
    outcome: "ok",
    language,
    steps: [],
    results: [],
    untraceableNumbers: [],
    freshness: null,
    model: null,
    tokens: { input: 0, output: 0 },
    costUsd: 0,
    latencyMs: 0,
    modelMs: 0,
    suggestions: [],
  };
}

type Failure = NonNullable<AgentAnswer["failure"]>["code"];

const FAILURES: Record<string, { en: string; zh: string }> = {
  no_model: {
    en: "No language model is configured, so I can't answer free-text questions yet. Set OPENAI_API_KEY (and OPENAI_BASE_URL for Azure, vLLM, Ollama or LM Studio) in .env and restart. Deterministic commands (e.g. `kpi`, `segment`, `attribution`) work without a model.",
    zh: "尚未配置语言模型,暂时无法回答自由提问。请在 .env 中设置 OPENAI_API_KEY(使用 Azure、vLLM、Ollama 或 LM Studio 时再设置 OPENAI_BASE_URL)并重启。确定性命令(如 `kpi`、`segment`、`attribution`)无需模型即可使用。",
  },
  rate_limited: {
    en: "You're asking faster than I can keep up: please wait a minute and ask again.",
    zh: "提问太频繁了,请稍等一分钟再问。",
  },
  quota_exceeded: {
    en: "You've used today's question budget. It resets at midnight; an admin can raise BEACON_DAILY_TOKEN_QUOTA.",
    zh: "今天的提问额度已用完,午夜重置;管理员可以调高 BEACON_DAILY_TOKEN_QUOTA。",
  },
  model_unavailable: {
    en: "The language model is not reachable right now. Please try again in a few minutes.",
    zh: "语言模型暂时无法访问,请几分钟后再试。",
  },
  // Configuration problems: retrying will not help, so the sentence sends the user to whoever runs Beacon.
  model_auth_failed: {
    en: "The language model refused Beacon's API key, so I can't answer free-text questions. Please tell the Beacon admin (the key needs checking). Deterministic commands (e.g. `kpi`) still work.",
    zh: "语言模型拒绝了 Beacon 的 API 密钥,暂时无法回答自由提问。请联系 Beacon 管理员检查密钥。确定性命令(如 `kpi`)仍可使用。",
  },
  model_not_found: {
    en: "The language model Beacon is configured to use does not exist at its endpoint. Please tell the Beacon admin (the model name needs checking). Deterministic commands (e.g. `kpi`) still work.",
    zh: "Beacon 配置的语言模型在其服务端不存在。请联系 Beacon 管理员检查模型名称。确定性命令(如 `kpi`)仍可使用。",
  },
  model_unreachable: {
    en: "Beacon cannot connect to the language model. If this persists, please tell the Beacon admin. Deterministic commands (e.g. `kpi`) still work.",
    zh: "Beacon 无法连接到语言模型。如果持续出现,请联系 Beacon 管理员。确定性命令(如 `kpi`)仍可使用。",
  },
  model_timeout: {
    en: "The language model did not answer in time. Please try again in a few minutes, or ask a narrower question.",
    zh: "语言模型未能及时回答,请几分钟后再试,或缩小问题范围。",
  },
  model_rate_limited: {
    en: "The language model is rate-limiting Beacon right now. Please wait a minute and ask again.",
    zh: "语言模型当前对 Beacon 限流,请稍等一分钟再问。",
  },
  database_unavailable: {
    en: "The database is not reachable right now. Please try again in a minute.",
    zh: "数据库暂时无法访问,请稍后再试。",
  },
  timeout: { en: "This took longer than allowed and was stopped.", zh: "处理超时,已停止。" },
  cancelled: { en: "Cancelled.", zh: "已取消。" },
  internal: { en: "Something went wrong inside Beacon.", zh: "Beacon 内部出错了。" },
};

/** The user-facing sentence for a failure, in the question's language. */
export function failureText(code: Failure, language: "en" | "zh", fallback?: string): string {
  const entry = FAILURES[code];
  if (entry) return entry[language];
  return fallback ?? FAILURES.internal?.[language] ?? "Something went wrong.";
}

/** "What I found so far" when a budget ran out before the model could finish. */
export function partialAnswer(reason: string, steps: ToolStep[], language: "en" | "zh"): string {
  const done = steps.filter((s) => s.ok);
  const lines = done.map((s) => `• ${s.tool} ${JSON.stringify(s.args)}${s.rows === null ? "" : ` → ${s.rows} rows`}`);
  if (language === "zh") {
    return [
      `未能在预算内完成:${reason}。`,
      done.length ? `已完成的查询:\n${lines.join("\n")}` : "还没有任何查询完成。",
      "缺少:基于这些结果的最终分析。请缩小问题范围(更短的时间段、单个渠道)后再问。",
    ].join("\n");
  }
  return [
    `I couldn't finish within the budget: ${reason}.`,
    done.length ? `What I found so far:\n${lines.join("\n")}` : "No query had finished yet.",
    "Missing: the final analysis of these results. Try a narrower question (shorter period, one channel).",
  ].join("\n");
}

/** Detects the question's language: any Chinese character means Chinese. */
export function detectLanguage(text: string): "en" | "zh" {
  return /[\u3400-\u9fff]/.test(text) ? "zh" : "en";
}
