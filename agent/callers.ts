import type { Queryable } from "../db/pool.ts";
import { type Caller, ROLES, type Role } from "../tools/tool.ts";

/** Who may see names, emails and phones unmasked when the users table does not say otherwise. */
const PII_BY_DEFAULT: Record<Role, boolean> = { marketer: false, manager: false, support: true, admin: true };

/**
 * The caller for a Slack (or local) user id: role and PII permission from app_users; unknown users get the
 * configured default role. The table can only widen PII access (can_see_pii), never narrow support/admin.
 */
export async function resolveCaller(db: Queryable, userId: string, defaultRole: Role): Promise<Caller> {
  const { rows } = await db.query<{ role: string; can_see_pii: boolean }>(
    "SELECT role, can_see_pii FROM app_users WHERE slack_user_id = $1",
    [userId],
  );
  const row = rows[0];
  const role: Role = row && (ROLES as readonly string[]).includes(row.role) ? (row.role as Role) : defaultRole;
  return { userId, role, canSeePii: PII_BY_DEFAULT[role] || row?.can_see_pii === true };
}
