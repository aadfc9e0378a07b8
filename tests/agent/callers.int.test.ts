import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveCaller } from "../../agent/callers.ts";
import type { Database } from "../../db/pool.ts";
import { testEngines } from "../helpers/databases.ts";

for (const engine of testEngines()) {
  describe(`resolveCaller on ${engine.name}`, () => {
    let db: Database;
    beforeAll(async () => {
      db = await engine.open();
      await db.pool.query(
        `INSERT INTO app_users (slack_user_id, display_name, role, can_see_pii) VALUES
           ('UMGR', 'Manager', 'manager', false), ('UMKTPII', 'Analyst', 'marketer', true), ('USUP', 'Support', 'support', false)`,
      );
    });
    afterAll(() => db?.close());

    it("takes the role from the users table and personal-data access from role or flag", async () => {
      expect(await resolveCaller(db.pool, "UMGR", "marketer")).toEqual({
        userId: "UMGR",
        role: "manager",
        canSeePii: false,
      });
      expect(await resolveCaller(db.pool, "UMKTPII", "marketer")).toEqual({
        userId: "UMKTPII",
        role: "marketer",
        canSeePii: true,
      });
      expect(await resolveCaller(db.pool, "USUP", "marketer")).toEqual({
        userId: "USUP",
        role: "support",
        canSeePii: true,
      });
    });

    it("gives unknown users the configured default role", async () => {
      expect(await resolveCaller(db.pool, "UNEW", "marketer")).toEqual({
        userId: "UNEW",
        role: "marketer",
        canSeePii: false,
      });
      expect(await resolveCaller(db.pool, "UNEW", "support")).toEqual({
        userId: "UNEW",
        role: "support",
        canSeePii: true,
      });
    });
  });
}
