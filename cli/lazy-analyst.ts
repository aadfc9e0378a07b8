import type { AnalystOptions } from "../agent/analyst.ts";
import type { Analyst } from "../agent/types.ts";

/**
 * The analyst, imported on its first question: LangChain takes about a second to load, and a console session or
 * `beacon ask "kpi ..."` that only runs commands never needs it. Same configuration test as createAnalyst.
 */
export function lazyAnalyst(options: AnalystOptions): Analyst {
  let analyst: Promise<Analyst> | undefined;
  const load = () => {
    analyst ??= import("../agent/analyst.ts").then(({ createAnalyst }) => createAnalyst(options));
    return analyst;
  };
  return {
    modelConfigured: options.model !== undefined || Boolean(options.config.OPENAI_API_KEY),
    ask: async (request) => (await load()).ask(request),
    rate: async (runId, rating, comment) => (await load()).rate(runId, rating, comment),
  };
}
