// Checks the Slack tokens before the bot starts, so a bad token or a missing network ends in one line that
// names the token, what failed and what to check, instead of Bolt's retries and a WebAPIRequestError stack trace.
import { ErrorCode, LogLevel, WebClient } from "@slack/web-api";
import type { Config } from "../../config.ts";

/** Slack could not be started; the message is the whole story, one line, for the operator. */
export class SlackStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SlackStartError";
  }
}

const DEFAULT_API_URL = "https://slack.com/api/";

/** What to check for each token when Slack rejects it. */
const TOKEN_HINTS = {
  SLACK_BOT_TOKEN:
    "check that it is the Bot User OAuth Token (xoxb-...) under OAuth & Permissions at api.slack.com/apps, and that the app is installed in the workspace",
  SLACK_APP_TOKEN:
    "check that it is an App-Level Token (xapp-...) with the connections:write scope, under Basic Information at api.slack.com/apps, and that Socket Mode is enabled",
} as const;

type TokenName = keyof typeof TOKEN_HINTS;

/** Verifies SLACK_BOT_TOKEN (auth.test) and, for Socket Mode, SLACK_APP_TOKEN; throws SlackStartError otherwise. */
export async function checkSlackTokens(config: Config): Promise<{ team: string; botUserId: string }> {
  const apiUrl = config.SLACK_API_URL ?? DEFAULT_API_URL;
  const client = (token: string) =>
    new WebClient(token, {
      slackApiUrl: apiUrl,
      // One quick retry: a start-up check should fail in seconds, not after the bot's long retry schedule.
      retryConfig: { retries: 1, minTimeout: 200, maxTimeout: 1000 },
      timeout: 10_000,
      logLevel: LogLevel.ERROR,
    });
  const call = async <T>(name: TokenName, method: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      throw new SlackStartError(describeFailure(name, method, apiUrl, error));
    }
  };
  const bot = await call("SLACK_BOT_TOKEN", "auth.test", () => client(config.SLACK_BOT_TOKEN ?? "").auth.test());
  if (config.SLACK_APP_TOKEN) {
    const appToken = config.SLACK_APP_TOKEN;
    await call("SLACK_APP_TOKEN", "apps.connections.open", () => client(appToken).apps.connections.open());
  }
  return { team: bot.team ?? "", botUserId: bot.user_id ?? "" };
}

/** One line: which token, which call, what came back, what to check. */
function describeFailure(name: TokenName, method: string, apiUrl: string, error: unknown): string {
  const code = (error as { code?: string }).code;
  if (code === ErrorCode.PlatformError) {
    const reason = (error as { data?: { error?: string } }).data?.error ?? "error";
    return `Slack rejected ${name} (${method}: ${reason}): ${TOKEN_HINTS[name]}.`;
  }
  if (code === ErrorCode.RequestError) {
    // The client wraps fetch's error, whose cause holds the system code (ECONNREFUSED, ENOTFOUND, ...).
    const original = (error as { original?: { code?: string; message?: string; cause?: { code?: string } } }).original;
    const why = original?.code ?? original?.cause?.code ?? original?.message ?? "no answer";
    return `Could not reach Slack at ${apiUrl} to check ${name} (${method}: ${why}): check this machine's network, DNS, proxy and firewall${apiUrl === DEFAULT_API_URL ? "" : ", and SLACK_API_URL"}.`;
  }
  if (code === ErrorCode.HTTPError) {
    const status = (error as { statusCode?: number }).statusCode;
    return `Slack at ${apiUrl} answered HTTP ${status ?? "error"} while checking ${name} (${method}): try again later, or check SLACK_API_URL.`;
  }
  if (code === ErrorCode.RateLimitedError) {
    return `Slack is rate-limiting ${method} while checking ${name}: wait a minute and start again.`;
  }
  return `Checking ${name} with Slack (${method}) failed: ${error instanceof Error ? error.message : String(error)}.`;
}
