import { ROLES, type Role } from "../../tools/tool.ts";
import { parseCommandArgs, UsageError } from "../args.ts";
import { log, withDatabase } from "../context.ts";

const USAGE = `Usage:
  beacon token create --user <name> --role marketer|manager|support|admin
      A bearer token for a remote MCP client (BEACON_MCP=true, /mcp). Printed once: only its hash is stored.
  beacon token list      every token: id, user, role, created, last used, revoked
  beacon token revoke <id>
      The token stops working at its next request.`;

/** `beacon token`: bearer tokens of remote MCP clients. */
export async function tokenCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { user: { type: "string" }, role: { type: "string" } }, USAGE);
  const [action, ...rest] = positionals;
  if (action === "create") return create(values.user, values.role, rest);
  if (action === "list") return list(rest);
  if (action === "revoke") return revoke(rest);
  throw new UsageError(
    action ? `unknown action "${action}": expected create, list or revoke` : "missing the action",
    USAGE,
  );
}

async function create(user: string | undefined, role: string | undefined, rest: string[]): Promise<number> {
  if (rest.length > 0) throw new UsageError(`unexpected arguments: ${rest.join(" ")}`, USAGE);
  if (user === undefined) throw new UsageError("--user: missing; the name the token acts as, e.g. --user alice", USAGE);
  if (role === undefined) throw new UsageError(`--role: missing; one of ${ROLES.join(", ")}`, USAGE);
  const { createToken, tokenRequestProblem } = await import("../../mcp/tokens.ts");
  const problem = tokenRequestProblem(user, role);
  if (problem) throw new UsageError(problem, USAGE);
  return withDatabase(async (db) => {
    const { token, row } = await createToken(db.pool, user, role as Role);
    log(
      `Token ${row.id} for ${row.user_name} (role ${row.role}). Copy it now: it is not stored and cannot be shown again.`,
    );
    process.stdout.write(`${token}\n`);
    return 0;
  });
}

async function list(rest: string[]): Promise<number> {
  if (rest.length > 0) throw new UsageError(`unexpected arguments: ${rest.join(" ")}`, USAGE);
  const { listTokens } = await import("../../mcp/tokens.ts");
  return withDatabase(async (db) => {
    const rows = await listTokens(db.pool);
    if (rows.length === 0) {
      process.stdout.write("No MCP tokens. Create one: beacon token create --user <name> --role <role>\n");
      return 0;
    }
    const lines = rows.map((r) =>
      [
        String(r.id).padStart(4),
        r.user_name.padEnd(16),
        r.role.padEnd(9),
        `${r.prefix}…`.padEnd(20),
        `created ${r.created_at.slice(0, 16)}`,
        r.last_used_at ? `used ${r.last_used_at.slice(0, 16)}` : "never used",
        r.revoked_at ? `REVOKED ${r.revoked_at.slice(0, 16)}` : "active",
      ].join("  "),
    );
    process.stdout.write(`${lines.join("\n")}\n`);
    return 0;
  });
}

async function revoke(rest: string[]): Promise<number> {
  const [id, ...extra] = rest;
  if (id === undefined || !/^\d+$/.test(id) || extra.length > 0) {
    throw new UsageError(
      `revoke: expected one token id (a number, from beacon token list), got "${rest.join(" ")}"`,
      USAGE,
    );
  }
  const { revokeToken } = await import("../../mcp/tokens.ts");
  return withDatabase(async (db) => {
    const result = await revokeToken(db.pool, Number(id));
    if (result === "missing") {
      log(`No token with id ${id}: see beacon token list.`);
      return 1;
    }
    log(result === "revoked" ? `Token ${id} revoked.` : `Token ${id} was already revoked.`);
    return 0;
  });
}
