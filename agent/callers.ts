import type { Queryable } from "../db/pool.ts";
import type { AudienceCaller } from "../tools/pii.ts";
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

/** The caller for a role granted outright (an MCP token or `beacon mcp --role`): PII access as the role's default. */
export function callerWithRole(userId: string, role: Role): Caller {
  return { userId, role, canSeePii: PII_BY_DEFAULT[role] };
}

/** Who reads an answer: the asker alone (a DM or assistant thread) or everyone in a shared channel. */
export type Audience = "private" | "shared";

/** The audience of a Slack conversation by its id: D… is a DM (assistant threads live in one); C… and G… are shared. */
export function slackAudience(channelId: string): Audience {
  return channelId.startsWith("D") ? "private" : "shared";
}

/**
 * The caller as the answer's audience may see it: in a shared channel personal data is masked for everyone (the
 * strictest, marketer view) even when the asker may see it, so a support user's question never posts phones and
 * e-mails to the channel. The role (which tools may run) stays the asker's.
 */
export function callerForAudience(caller: Caller, audience: Audience): Caller {
  if (audience === "private" || !caller.canSeePii) return caller;
  const masked: AudienceCaller = { ...caller, canSeePii: false, maskedForAudience: "shared_channel" };
  return masked;
}

/** resolveCaller for an answer posted in a Slack conversation (channel id), masked for its audience. */
export async function resolveCallerIn(
  db: Queryable,
  userId: string,
  defaultRole: Role,
  channelId: string,
): Promise<Caller> {
  return callerForAudience(await resolveCaller(db, userId, defaultRole), slackAudience(channelId));
}
