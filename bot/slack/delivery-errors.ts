/** A message that never reached Slack: the Slack error (or what the request hit) for the log and the audit row. */
export class DeliveryFailed extends Error {
  constructor(
    readonly slackError: string,
    options?: { cause?: unknown },
  ) {
    super(`Slack did not take the message: ${slackError}`, options);
    this.name = "DeliveryFailed";
  }

  /** What the user is told, if any message still gets through. */
  get userMessage(): string {
    return `I had an answer, but Slack would not accept it (${this.slackError}). Please ask again, perhaps for less at once; if it keeps happening, tell the Beacon admin.`;
  }
}

/** The Slack error code of a failed Web API call (`invalid_blocks`), else the HTTP status or the request failure. */
export function slackErrorOf(error: unknown): string {
  const e = error as { data?: { error?: string }; statusCode?: number; original?: Error; message?: string };
  if (e?.data?.error) return e.data.error;
  if (e?.statusCode) return `http_${e.statusCode}`;
  if (e?.original?.message) return `request_failed: ${e.original.message}`;
  return e?.message ?? String(error);
}
