import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../../config.ts";

describe("anomaly alert settings", () => {
  it("are off by default, with the scan time 08:00", () => {
    const config = parseConfig({});
    expect(config.BEACON_ALERT_CHANNEL).toBeUndefined();
    expect(config.BEACON_ALERT_TIME).toBe("08:00");
    expect(parseConfig({ BEACON_ALERT_CHANNEL: " ", BEACON_ALERT_TIME: "" }).BEACON_ALERT_CHANNEL).toBeUndefined();
    expect(parseConfig({ BEACON_ALERT_TIME: "" }).BEACON_ALERT_TIME).toBe("08:00");
  });

  it("takes a channel id and an HH:MM time, padding a one-digit hour", () => {
    const config = parseConfig({ BEACON_ALERT_CHANNEL: "C0ALERTS", BEACON_ALERT_TIME: " 7:30 " });
    expect(config.BEACON_ALERT_CHANNEL).toBe("C0ALERTS");
    expect(config.BEACON_ALERT_TIME).toBe("07:30");
    expect(parseConfig({ BEACON_ALERT_TIME: "23:59" }).BEACON_ALERT_TIME).toBe("23:59");
  });

  it.each(["24:00", "8", "08:60", "8am", "08:00:00"])("refuses BEACON_ALERT_TIME=%s naming the format", (value) => {
    let caught: unknown;
    try {
      parseConfig({ BEACON_ALERT_TIME: value });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems;
    expect(problems).toEqual([
      `BEACON_ALERT_TIME: expected a 24-hour local time HH:MM such as 08:00 or 7:30 (got ${JSON.stringify(value)})`,
    ]);
  });
});
