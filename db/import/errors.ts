import type { ImportProblem } from "./types.ts";

/** Problems kept in full; the rest are only counted (a wrong file can have a million bad lines). */
export const MAX_PROBLEMS = 200;
const PROBLEMS_IN_MESSAGE = 20;

/** The file was not imported: nothing was written. Lists line-level problems. */
export class ImportValidationError extends Error {
  /** The first MAX_PROBLEMS problems in file order. */
  readonly problems: ImportProblem[];
  /** How many problems were found in all (may exceed problems.length). */
  readonly total: number;

  constructor(file: string, problems: readonly ImportProblem[], total = problems.length) {
    super(describeProblems(file, problems, total));
    this.name = "ImportValidationError";
    this.problems = problems.slice(0, MAX_PROBLEMS);
    this.total = Math.max(total, problems.length);
  }
}

/** "file: N problems, nothing imported" followed by "line N, column X: reason" lines. */
export function describeProblems(file: string, problems: readonly ImportProblem[], total: number): string {
  const count = Math.max(total, problems.length);
  const lines = problems.slice(0, PROBLEMS_IN_MESSAGE).map((p) => `  ${formatProblem(p)}`);
  const more = count - lines.length;
  const tail = more > 0 ? [`  ... and ${more} more problem${more === 1 ? "" : "s"}`] : [];
  return [`${file}: ${count} problem${count === 1 ? "" : "s"}; nothing was imported.`, ...lines, ...tail].join("\n");
}

/** One problem as "line N, column X: reason" (file-level problems have no line). */
export function formatProblem(p: ImportProblem): string {
  const where = [p.line > 0 ? `line ${p.line}` : "", p.column !== undefined ? `column "${p.column}"` : ""]
    .filter(Boolean)
    .join(", ");
  return where ? `${where}: ${p.reason}` : p.reason;
}
