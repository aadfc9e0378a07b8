import { describe, expect, it } from "vitest";
import { chooseSurface } from "../../cli/commands/start.ts";
import { parseConfig } from "../../config.ts";

describe("chooseSurface", () => {
  it("uses Socket Mode when bot and app tokens are set", () => {
    const choice = chooseSurface(parseConfig({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_APP_TOKEN: "xapp-1" }));
    expect(choice).toEqual({
      surface: "slack",
      reason: "SLACK_BOT_TOKEN and SLACK_APP_TOKEN are set: Slack in Socket Mode",
    });
  });

  it("uses HTTP mode with a signing secret and names the port", () => {
    const choice = chooseSurface(parseConfig({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_SIGNING_SECRET: "s", PORT: "4000" }));
    expect(choice.surface).toBe("slack");
    expect(choice.reason).toContain("port 4000");
  });

  it("falls back to the console and says which credential is missing", () => {
    expect(chooseSurface(parseConfig({ SLACK_BOT_TOKEN: "xoxb-1" }))).toMatchObject({ surface: "console" });
    expect(chooseSurface(parseConfig({ SLACK_BOT_TOKEN: "xoxb-1" })).reason).toContain("SLACK_SIGNING_SECRET");
    expect(chooseSurface(parseConfig({})).reason).toContain("no Slack credentials");
  });
});
