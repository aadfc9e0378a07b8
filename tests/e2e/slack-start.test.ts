// Slack start-up with a bad token or no network: one line naming the token, what failed and what to check,
// checked with the real @slack/web-api client against the local fake Slack (and a port nothing listens on).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkSlackTokens, SlackStartError } from "../../bot/slack/check-tokens.ts";
import { parseConfig } from "../../config.ts";
import { closedPort } from "../helpers/closed-port.ts";
import { type FakeSlack, startFakeSlack } from "./fake-slack-server.ts";

let slack: FakeSlack;
beforeAll(async () => {
  slack = await startFakeSlack();
});
afterAll(() => slack.close());

const config = (env: Record<string, string>) =>
  parseConfig({ SLACK_BOT_TOKEN: "xoxb-test", SLACK_SIGNING_SECRET: "secret", ...env });

/** The one-line message checkSlackTokens fails with. */
async function problem(env: Record<string, string>): Promise<string> {
  const error = await checkSlackTokens(config(env)).then(
    () => new Error("the check passed"),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SlackStartError);
  const message = (error as Error).message;
  expect(message.split("\n")).toHaveLength(1);
  return message;
}

describe("Slack start-up check", () => {
  it("passes with working tokens and returns the bot user", async () => {
    const ok = await checkSlackTokens(config({ SLACK_API_URL: slack.apiUrl, SLACK_APP_TOKEN: "xapp-test" }));
    expect(ok).toEqual({ team: "Test", botUserId: "UBEACON" });
    expect(slack.callsOf("apps.connections.open")).toHaveLength(1);
  });

  it("names an unreachable Slack API, the network error and SLACK_API_URL", async () => {
    const url = `http://127.0.0.1:${await closedPort()}/api/`;
    expect(await problem({ SLACK_API_URL: url })).toBe(
      `Could not reach Slack at ${url} to check SLACK_BOT_TOKEN (auth.test: ECONNREFUSED): check this machine's network, DNS, proxy and firewall, and SLACK_API_URL.`,
    );
  }, 15_000);

  it("names the app token when Socket Mode's token is rejected", async () => {
    slack.failWith("apps.connections.open", "invalid_auth");
    expect(await problem({ SLACK_API_URL: slack.apiUrl, SLACK_APP_TOKEN: "xapp-wrong" })).toBe(
      "Slack rejected SLACK_APP_TOKEN (apps.connections.open: invalid_auth): check that it is an App-Level Token (xapp-...) with the connections:write scope, under Basic Information at api.slack.com/apps, and that Socket Mode is enabled.",
    );
  });

  it("names the bot token when auth.test answers invalid_auth", async () => {
    slack.failWith("auth.test", "invalid_auth");
    expect(await problem({ SLACK_API_URL: slack.apiUrl })).toBe(
      "Slack rejected SLACK_BOT_TOKEN (auth.test: invalid_auth): check that it is the Bot User OAuth Token (xoxb-...) under OAuth & Permissions at api.slack.com/apps, and that the app is installed in the workspace.",
    );
  });
});
