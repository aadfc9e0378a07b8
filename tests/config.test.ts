import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../config.ts";

describe("parseConfig", () => {
  it("fills documented defaults for an empty environment", () => {
    const config = parseConfig({});
    expect(config.BEACON_DATA_DIR).toBe("./data");
    expect(config.BEACON_TIMEZONE).toBe("Asia/Shanghai");
    expect(config.BEACON_CURRENCY).toBe("CNY");
    expect(config.PORT).toBe(3000);
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.BEACON_AUTO_DEMO).toBe(false);
  });

  it("treats empty strings as unset and parses numbers and flags", () => {
    const config = parseConfig({ DATABASE_URL: "", OPENAI_API_KEY: "  ", PORT: "8080", BEACON_AUTO_DEMO: "true" });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.OPENAI_API_KEY).toBeUndefined();
    expect(config.PORT).toBe(8080);
    expect(config.BEACON_AUTO_DEMO).toBe(true);
  });

  it("lists every invalid variable with what was expected and what was given", () => {
    let caught: unknown;
    try {
      parseConfig({
        DATABASE_URL: "mysql://x",
        PORT: "eighty",
        BEACON_TIMEZONE: "Mars/Olympus",
        SLACK_BOT_TOKEN: "xoxp-user-token",
        BEACON_CURRENCY: "yuan",
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems;
    expect(problems).toHaveLength(5);
    expect(problems.find((p) => p.startsWith("DATABASE_URL:"))).toContain("postgres://");
    expect(problems.find((p) => p.startsWith("PORT:"))).toContain('"eighty"');
    expect(problems.find((p) => p.startsWith("BEACON_TIMEZONE:"))).toContain("IANA time zone");
    expect(problems.find((p) => p.startsWith("SLACK_BOT_TOKEN:"))).toContain("xoxb-");
    expect(problems.find((p) => p.startsWith("BEACON_CURRENCY:"))).toContain("ISO 4217");
    expect((caught as Error).message).toContain("Invalid configuration");
  });
});

describe(".env.example", () => {
  it("documents every configuration variable with a comment", async () => {
    const { readFileSync } = await import("node:fs");
    const { ConfigSchema } = await import("../config.ts");
    const lines = readFileSync(new URL("../.env.example", import.meta.url), "utf8").split("\n");
    for (const key of Object.keys(ConfigSchema.shape)) {
      const index = lines.findIndex((line) => line.startsWith(`${key}=`));
      expect(index, `${key} missing from .env.example`).toBeGreaterThan(0);
      expect(lines[index - 1]?.startsWith("#"), `${key} has no comment above it`).toBe(true);
    }
  });
});
