import { createHash, randomBytes } from "node:crypto";
import type { Queryable } from "../db/pool.ts";
import { ROLES, type Role } from "../tools/tool.ts";

/** Every token starts with this, so a leaked one is recognisable (secret scanners, logs). */
const TOKEN_PREFIX = "beacon_mcp_";
/** Characters of the token kept in clear for `beacon token list`: the prefix and 6 of its 43 random ones. */
const SHOWN_CHARS = TOKEN_PREFIX.length + 6;

export interface TokenRow {
  id: number;
  user_name: string;
  role: Role;
  prefix: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

/** Who a valid token acts as. */
export interface TokenIdentity {
  tokenId: number;
  userName: string;
  role: Role;
}

/** The stored form of a token: hex SHA-256 (tokens are 256 random bits, so no slow hash is needed). */
export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** Why a user name or role cannot be given a token, or null when they can. */
export function tokenRequestProblem(userName: string, role: string): string | null {
  if (userName.trim() === "") return "--user: expected the name of the person the token is for, e.g. --user alice";
  if (userName.length > 200) return "--user: at most 200 characters";
  if (!(ROLES as readonly string[]).includes(role)) {
    return `--role: unknown role "${role}"; expected one of ${ROLES.join(", ")}`;
  }
  return null;
}

/** Creates a token for `userName` acting as `role`; returns the token itself, which is never stored or shown again. */
export async function createToken(
  db: Queryable,
  userName: string,
  role: Role,
): Promise<{ token: string; row: TokenRow }> {
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
  const { rows } = await db.query<TokenRow>(
    `INSERT INTO mcp_tokens (user_name, role, token_hash, prefix) VALUES ($1, $2, $3, $4)
     RETURNING id::int AS id, user_name, role, prefix, created_at::text, last_used_at::text, revoked_at::text`,
    [userName.trim(), role, hashToken(token), token.slice(0, SHOWN_CHARS)],
  );
  const row = rows[0];
  if (!row) throw new Error("mcp_tokens INSERT returned no row");
  return { token, row };
}

/** Every token, newest first (revoked ones too, so the list explains why a client stopped working). */
export async function listTokens(db: Queryable): Promise<TokenRow[]> {
  const { rows } = await db.query<TokenRow>(
    `SELECT id::int AS id, user_name, role, prefix, created_at::text, last_used_at::text, revoked_at::text
     FROM mcp_tokens ORDER BY id DESC`,
  );
  return rows;
}

/** Revokes a token by id; "missing" or "already_revoked" when there is nothing to revoke. */
export async function revokeToken(db: Queryable, id: number): Promise<"revoked" | "missing" | "already_revoked"> {
  const { rows } = await db.query<{ revoked_now: boolean }>(
    `UPDATE mcp_tokens SET revoked_at = COALESCE(revoked_at, now()) WHERE id = $1
     RETURNING (revoked_at = now()) AS revoked_now`,
    [id],
  );
  const row = rows[0];
  if (!row) return "missing";
  return row.revoked_now ? "revoked" : "already_revoked";
}

/**
 * The identity of a bearer token that exists and is not revoked, or null. Looked up on every request, so a revoked
 * token stops working at the next call. last_used_at is written at most once a minute (a read, not a write, per call).
 */
export async function authenticateToken(db: Queryable, token: string): Promise<TokenIdentity | null> {
  if (!token.startsWith(TOKEN_PREFIX)) return null;
  const { rows } = await db.query<{ id: number; user_name: string; role: Role; stale: boolean }>(
    `SELECT id::int AS id, user_name, role,
            (last_used_at IS NULL OR last_used_at < now() - interval '1 minute') AS stale
     FROM mcp_tokens WHERE token_hash = $1 AND revoked_at IS NULL`,
    [hashToken(token)],
  );
  const row = rows[0];
  if (!row) return null;
  if (row.stale) await db.query("UPDATE mcp_tokens SET last_used_at = now() WHERE id = $1", [row.id]);
  return { tokenId: row.id, userName: row.user_name, role: row.role };
}
