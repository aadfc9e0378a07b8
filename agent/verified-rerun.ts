import { AIMessage, type BaseMessage, HumanMessage, ToolMessage } from "@langchain/core/messages";
import { invokeTool } from "../tools/run-tool.ts";
import type { ToolDefinition } from "../tools/tool.ts";
import { asData, largestListLength, type RunContext } from "./tool-executor.ts";
import type { VerifiedAnswer } from "./verified-answers.ts";

/**
 * Re-runs a verified answer's tool calls (exact arguments) on current data, through the same invokeTool as the
 * agent's own calls (roles, masking, validation), recording the trail and results so grounding checks the answer
 * against fresh numbers. Returns the messages that put the calls and their results in front of the model: an
 * assistant turn with the tool calls, one tool message per call, and Beacon's note to answer from them.
 */
export async function rerunVerified(
  run: RunContext,
  verified: VerifiedAnswer,
  registry: readonly ToolDefinition[],
): Promise<BaseMessage[]> {
  const calls = verified.toolCalls.map((call, i) => ({ id: `verified_${verified.id}_${i}`, ...call }));
  const replies: BaseMessage[] = [];
  for (const call of calls) {
    const started = performance.now();
    const outcome = await invokeTool(
      run.db,
      call.tool,
      call.args,
      { caller: run.caller, now: run.now, timezone: run.timezone, currency: run.currency },
      registry,
    );
    const elapsedMs = Math.round(performance.now() - started);
    if (outcome.ok) {
      run.steps.push({
        tool: call.tool,
        args: call.args,
        ok: true,
        rows: largestListLength(outcome.result),
        elapsedMs,
      });
      run.results.push({ tool: call.tool, args: call.args, result: outcome.result });
    } else {
      run.steps.push({ tool: call.tool, args: call.args, ok: false, rows: null, elapsedMs, error: outcome.error });
    }
    replies.push(
      new ToolMessage({
        content: outcome.ok ? asData(call.tool, outcome.result) : JSON.stringify({ error: outcome.error }),
        tool_call_id: call.id,
        name: call.tool,
        status: outcome.ok ? "success" : "error",
      }),
    );
  }
  const note = new HumanMessage(
    `[Beacon — automatic, not from the user] This question matches verified answer #${verified.id}. The tool ` +
      "results above are its verified tool calls re-run on current data. Answer the question from these results " +
      "only, the way the verified answer did; do not call other tools unless a result above is an error.",
  );
  return [
    new AIMessage({
      content: "",
      tool_calls: calls.map((c) => ({ id: c.id, name: c.tool, args: c.args, type: "tool_call" })),
    }),
    ...replies,
    note,
  ];
}

/** The line that opens a verified answer: who verified it, when, and the data it was re-run on. */
export function verifiedLine(verified: VerifiedAnswer, dataUpTo: string | null, language: "en" | "zh"): string {
  const by = /^[UW][A-Z0-9]{5,}$/.test(verified.verifiedBy) ? `<@${verified.verifiedBy}>` : verified.verifiedBy;
  const on = verified.verifiedAt.slice(0, 10);
  const data = dataUpTo ?? (language === "zh" ? "当前数据" : "current data");
  return language === "zh"
    ? `✅ 已验证的答案（${by} 于 ${on} 验证；已在截至 ${data} 的数据上重新运行）`
    : `✅ Verified answer (verified by ${by} on ${on}; re-run on data up to ${data})`;
}
