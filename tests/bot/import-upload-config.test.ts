// The settings of CSV uploads in Slack: who may import, and the size and row limits, with errors that say what to write.
import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../../config.ts";

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    parseConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
};

describe("BEACON_IMPORT_ROLES, BEACON_UPLOAD_MAX_MB, BEACON_UPLOAD_MAX_ROWS", () => {
  it("defaults to admins only, 50 MB and 200,000 rows", () => {
    const config = parseConfig({});
    expect(config.BEACON_IMPORT_ROLES).toEqual(["admin"]);
    expect(config.BEACON_UPLOAD_MAX_MB).toBe(50);
    expect(config.BEACON_UPLOAD_MAX_ROWS).toBe(200_000);
  });

  it("reads a comma-separated list of roles, tolerant of case and spaces; empty means admins only", () => {
    expect(parseConfig({ BEACON_IMPORT_ROLES: " Admin, manager " }).BEACON_IMPORT_ROLES).toEqual(["admin", "manager"]);
    expect(parseConfig({ BEACON_IMPORT_ROLES: "" }).BEACON_IMPORT_ROLES).toEqual(["admin"]);
  });

  it("names an unknown role and the valid ones", () => {
    expect(problemsOf({ BEACON_IMPORT_ROLES: "admin,boss" })).toEqual([
      'BEACON_IMPORT_ROLES: unknown role "boss": expected a comma-separated list of marketer, manager, support, admin (got "admin,boss")',
    ]);
  });

  it("says what a size or row limit must look like", () => {
    expect(problemsOf({ BEACON_UPLOAD_MAX_MB: "fifty" })).toEqual([
      'BEACON_UPLOAD_MAX_MB: expected megabytes, e.g. 50 (got "fifty")',
    ]);
    expect(problemsOf({ BEACON_UPLOAD_MAX_MB: "0" })[0]).toContain("expected megabytes above 0");
    expect(problemsOf({ BEACON_UPLOAD_MAX_ROWS: "1.5" })[0]).toContain("expected a whole number of rows");
    expect(parseConfig({ BEACON_UPLOAD_MAX_MB: "0.5" }).BEACON_UPLOAD_MAX_MB).toBe(0.5);
  });
});
