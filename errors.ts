/** Infrastructure failure codes; each maps to a message a user may see (never a stack trace or raw SQL). */
export const ERROR_MESSAGES = {
  database_unavailable: "The database is not reachable right now. Please try again in a minute.",
  database_error: "The database could not answer this request.",
  model_unavailable: "The language model is not reachable right now.",
  model_auth_failed: "The language model refused Beacon's API key.",
  model_not_found: "The configured language model does not exist at its endpoint.",
  model_unreachable: "Beacon cannot connect to the language model.",
  model_timeout: "The language model did not answer in time.",
  model_rate_limited: "The language model is rate-limiting Beacon right now.",
  timeout: "This took longer than allowed and was stopped.",
  forbidden: "Your role is not allowed to do this.",
  not_found: "That was not found.",
  stale_data: "Some derived data is out of date: an administrator needs to run `beacon db refresh`.",
  invalid_input: "The input was not valid.",
  internal: "Something went wrong inside Beacon.",
} as const;

export type ErrorCode = keyof typeof ERROR_MESSAGES;

/** A coded error: `code` decides what users see; `detail` is for logs and operators. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly detail?: string,
    options?: { cause?: unknown },
  ) {
    super(detail ? `${ERROR_MESSAGES[code]} (${detail})` : ERROR_MESSAGES[code], options);
    this.name = "AppError";
  }

  /** The sentence safe to show a user. */
  get userMessage(): string {
    return this.code === "invalid_input" || this.code === "not_found" || this.code === "forbidden"
      ? (this.detail ?? ERROR_MESSAGES[this.code])
      : ERROR_MESSAGES[this.code];
  }
}

interface ZodLikeIssue {
  path: readonly PropertyKey[];
  message: string;
}

/** One line per problem: which field, what was expected (zod's message), what was given. */
export function describeIssues(issues: readonly ZodLikeIssue[], input?: unknown): string[] {
  return issues.map((issue) => {
    const field = issue.path.length ? issue.path.map(String).join(".") : "(arguments)";
    const given = valueAt(input, issue.path);
    const shown = given === undefined ? "" : `; got ${JSON.stringify(given)?.slice(0, 80)}`;
    return `${field}: ${issue.message}${shown}`;
  });
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}
