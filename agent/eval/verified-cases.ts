// Verified answers as golden cases (issue 25): each verified question must still be answered with its verified
// tool calls (same tools, same arguments) and grounded numbers, scored like every other golden case.
import type { Role } from "../../tools/tool.ts";
import type { VerifiedAnswer } from "../verified-answers.ts";
import type { GoldenCase } from "./golden-set.ts";

/**
 * One golden case per verified answer: its question, asked by the role that asked it (admin, which the golden set
 * does not use, is asked as manager), expecting its tool calls with their exact arguments. No expected-number
 * paths: which numbers a verified answer states is not recorded, so numbers are scored by grounding (every
 * number traceable to the re-run results), as for other cases without `numbers`.
 */
export function verifiedGoldenCases(verified: readonly VerifiedAnswer[]): GoldenCase[] {
  return verified.flatMap((answer) => {
    const [first, ...rest] = answer.toolCalls;
    if (!first) return [];
    const role = (answer.role === "admin" ? "manager" : answer.role) as Exclude<Role, "admin">;
    const golden: GoldenCase = {
      id: `verified-${answer.id}`,
      language: answer.language,
      role,
      question: answer.question,
      tool: first.tool,
      args: () => first.args,
      numbers: [],
    };
    if (rest.length > 0) golden.also = rest.map((call) => ({ tool: call.tool, args: () => call.args, numbers: [] }));
    return [golden];
  });
}
