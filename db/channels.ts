// The channel catalogue as its owner edits it: list, add, rename, and the aliases that map other spellings (a CRM's
// lead source "百度推广", a GA4 channel group "Paid Search") to a channel. `beacon channels` and the `channels` import
// entity share these functions; the catalogue-changing ones run inside the caller's transaction (Queryable), or in
// their own (the *InTransaction wrappers the CLI calls).
import type pg from "pg";
import { AppError } from "../errors.ts";
import { normaliseKey } from "./import/columns.ts";
import { type Queryable, withTransaction } from "./pool.ts";

/** The channel types the channels table accepts (its CHECK constraint in 0001_core.sql). */
export const CHANNEL_TYPES = [
  "search",
  "social",
  "short_video",
  "email",
  "display",
  "video",
  "affiliate",
  "kol",
  "offline",
  "direct",
  "organic",
] as const;

export type ChannelType = (typeof CHANNEL_TYPES)[number];

/** Types that are not bought media: a new channel of these types is unpaid unless --paid says otherwise. */
const UNPAID_TYPES: ReadonlySet<string> = new Set(["direct", "organic"]);

/** A channel as listed: its catalogue row and the aliases (as written) that map to it. */
export interface ChannelListing {
  code: string;
  name: string;
  type: string;
  platform: string;
  is_paid: boolean;
  aliases: string[];
}

/** A channel to add or (import) update. */
export interface ChannelInput {
  code: string;
  name: string;
  type: string;
  platform: string;
  /** undefined: paid unless the type is direct or organic (add), unchanged (import of an existing code). */
  isPaid?: boolean | undefined;
}

const CODE = /^[a-z0-9_]+$/;

/** Why a code cannot be a channel code, with the spelling that would be, or null when it is fine. */
export function channelCodeProblem(code: string): string | null {
  if (CODE.test(code) && code.length <= 64) return null;
  const suggestion = code
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
  const hint = suggestion && suggestion !== code ? ` such as "${suggestion}"` : "";
  return `a channel code is lower-case letters, digits and _ (at most 64), e.g. offline_events; "${code}" is not one: use a code${hint}, and put the display name in --name`;
}

/** Why a type is not a channel type, or null. */
export function channelTypeProblem(type: string): string | null {
  return (CHANNEL_TYPES as readonly string[]).includes(type)
    ? null
    : `unknown channel type "${type}": expected one of ${CHANNEL_TYPES.join(", ")}`;
}

/** Which channels to list; a missing or null filter lets every channel through. */
export interface ChannelFilter {
  /** Exactly this type. */
  type?: string | null | undefined;
  /** This platform, compared without case. */
  platform?: string | null | undefined;
  /** Text contained in the name (without case) or the code. */
  search?: string | null | undefined;
}

/**
 * Channels with their aliases, by code: the one catalogue query `beacon channels list` and the list_channels tool
 * share (the tool adds its campaign counts and spend per code).
 */
export async function listChannels(db: Queryable, filter: ChannelFilter = {}): Promise<ChannelListing[]> {
  const { rows } = await db.query<ChannelListing>(
    `SELECT c.code, c.name, c.type, c.platform, c.is_paid,
            coalesce(array_agg(a.written ORDER BY a.written) FILTER (WHERE a.alias IS NOT NULL), '{}') AS aliases
     FROM channels c LEFT JOIN channel_aliases a ON a.channel_id = c.id
     WHERE ($1::text IS NULL OR c.type = $1)
       AND ($2::text IS NULL OR lower(c.platform) = lower($2))
       AND ($3::text IS NULL OR strpos(lower(c.name), lower($3)) > 0 OR strpos(c.code, lower($3)) > 0)
     GROUP BY c.id ORDER BY c.code`,
    [filter.type ?? null, filter.platform ?? null, filter.search ?? null],
  );
  return rows;
}

/** Every platform name in the catalogue, sorted (to validate a platform filter). */
export async function listPlatforms(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ platform: string }>("SELECT DISTINCT platform FROM channels ORDER BY 1");
  return rows.map((r) => r.platform);
}

interface StoredChannel {
  id: number;
  code: string;
  name: string;
}

async function channelByCode(db: Queryable, code: string): Promise<StoredChannel | null> {
  const { rows } = await db.query<StoredChannel>("SELECT id, code, name FROM channels WHERE code = $1", [code]);
  return rows[0] ?? null;
}

/** The channel `code` names, or a not_found error listing the known codes. */
async function requireChannel(db: Queryable, code: string): Promise<StoredChannel> {
  const found = await channelByCode(db, code);
  if (found) return found;
  const { rows } = await db.query<{ code: string }>("SELECT code FROM channels ORDER BY code");
  const known = rows.length === 0 ? "the catalogue is empty" : `known codes: ${rows.map((r) => r.code).join(", ")}`;
  throw new AppError(
    "not_found",
    `unknown channel code "${code}" (${known}); add it with beacon channels add ${code} --name ... --type ... --platform ...`,
  );
}

/** Adds a channel; refuses a bad code or type and a code that exists. */
export async function addChannel(db: Queryable, input: ChannelInput): Promise<ChannelListing> {
  const problem = channelCodeProblem(input.code) ?? channelTypeProblem(input.type) ?? textProblem(input);
  if (problem) throw new AppError("invalid_input", problem);
  const existing = await channelByCode(db, input.code);
  if (existing) {
    throw new AppError(
      "invalid_input",
      `channel code "${input.code}" already exists (named "${existing.name}"); codes are stable ids: pick another code, or change the name with beacon channels rename ${input.code} --name "..."`,
    );
  }
  const isPaid = input.isPaid ?? !UNPAID_TYPES.has(input.type);
  await db.query("INSERT INTO channels (code, name, type, platform, is_paid) VALUES ($1, $2, $3, $4, $5)", [
    input.code,
    input.name.trim(),
    input.type,
    input.platform.trim(),
    isPaid,
  ]);
  return {
    code: input.code,
    name: input.name.trim(),
    type: input.type,
    platform: input.platform.trim(),
    is_paid: isPaid,
    aliases: [],
  };
}

function textProblem(input: ChannelInput): string | null {
  if (input.name.trim() === "") return "the channel name is empty: pass --name";
  if (input.platform.trim() === "")
    return "the platform is empty: pass --platform (the ad platform or owner, e.g. Baidu)";
  return null;
}

/** Renames a channel; its code (what imports, aliases and reports use) stays. Returns the previous name. */
export async function renameChannel(db: Queryable, code: string, name: string): Promise<{ previous: string }> {
  if (name.trim() === "") throw new AppError("invalid_input", "the new name is empty: pass --name");
  const channel = await requireChannel(db, code);
  await db.query("UPDATE channels SET name = $2 WHERE id = $1", [channel.id, name.trim()]);
  return { previous: channel.name };
}

/** What aliasing did. */
export interface AliasResult {
  alias: string;
  channel: string;
  /** created: new alias; moved: it pointed to `from` before; unchanged: it already pointed here. */
  action: "created" | "moved" | "unchanged";
  from?: string;
}

/**
 * Why `alias` cannot map to the channel `code`, or null: empty once normalised, the code of a channel (codes win), the
 * name or platform of one other channel only (imports resolve those before aliases, so the alias would never be
 * used), or already an alias of another channel (unless `move`). `fileCodes` are codes an import is about to create.
 */
export async function aliasProblem(
  db: Queryable,
  alias: string,
  code: string,
  options: { move?: boolean; fileCodes?: ReadonlySet<string> } = {},
): Promise<string | null> {
  const key = normaliseKey(alias);
  if (key === "") return `alias "${alias}" has no letters or digits`;
  const { rows: channels } = await db.query<{ code: string; name: string; platform: string }>(
    "SELECT code, name, platform FROM channels",
  );
  const codeHit = [...channels.map((r) => r.code), ...(options.fileCodes ?? [])].find((c) => normaliseKey(c) === key);
  if (codeHit !== undefined) {
    return codeHit === code
      ? null
      : `"${alias}" is the code of channel ${codeHit}, and a code always names its own channel; choose another alias`;
  }
  for (const what of ["name", "platform"] as const) {
    const named = channels.filter((c) => normaliseKey(c[what]) === key);
    const [only] = named;
    if (named.length === 1 && only && only.code !== code) {
      return `"${alias}" is the ${what} of channel ${only.code}, which imports resolve before aliases; choose another alias, or rename ${only.code}`;
    }
  }
  const current = await aliasTarget(db, key);
  if (current && current !== code && !options.move) {
    return `alias "${alias}" already points to channel ${current}; to move it: beacon channels alias ${shellWord(alias)} ${code} --move`;
  }
  return null;
}

async function aliasTarget(db: Queryable, key: string): Promise<string | null> {
  const { rows } = await db.query<{ code: string }>(
    "SELECT c.code FROM channel_aliases a JOIN channels c ON c.id = a.channel_id WHERE a.alias = $1",
    [key],
  );
  return rows[0]?.code ?? null;
}

/** Maps `alias` to the channel `code` (with `move`, also when it maps elsewhere now). */
export async function aliasChannel(
  db: Queryable,
  alias: string,
  code: string,
  options: { move?: boolean } = {},
): Promise<AliasResult> {
  const channel = await requireChannel(db, code);
  const problem = await aliasProblem(db, alias, code, options);
  if (problem) throw new AppError("invalid_input", problem);
  const key = normaliseKey(alias);
  const before = await aliasTarget(db, key);
  const written = alias.normalize("NFKC").trim();
  if (key === normaliseKey(code)) return { alias: written, channel: code, action: "unchanged" };
  await db.query(
    `INSERT INTO channel_aliases (alias, written, channel_id) VALUES ($1, $2, $3)
     ON CONFLICT (alias) DO UPDATE SET written = EXCLUDED.written, channel_id = EXCLUDED.channel_id, created_at = now()`,
    [key, written, channel.id],
  );
  if (before === null) return { alias: written, channel: code, action: "created" };
  return before === code
    ? { alias: written, channel: code, action: "unchanged" }
    : { alias: written, channel: code, action: "moved", from: before };
}

/** Removes an alias; returns the channel it pointed to. */
export async function removeAlias(db: Queryable, alias: string): Promise<{ alias: string; channel: string }> {
  const key = normaliseKey(alias);
  const target = key === "" ? null : await aliasTarget(db, key);
  if (target === null) {
    throw new AppError("not_found", `there is no alias "${alias}" (beacon channels list shows every alias)`);
  }
  await db.query("DELETE FROM channel_aliases WHERE alias = $1", [key]);
  return { alias, channel: target };
}

/** Counts of a channels import batch. */
export interface SavedChannels {
  inserted: number;
  /** Existing codes whose name, type, platform or paid flag changed. */
  changed: number;
  written: number;
  aliasesAdded: number;
}

/**
 * Upserts channels by code (an existing code keeps its id, so everything that refers to it stays) and adds their
 * aliases. Aliases must have been checked with aliasProblem() (one pointing elsewhere is left as it is).
 */
export async function saveChannels(
  db: Queryable,
  channels: readonly (ChannelInput & { aliases: readonly string[] })[],
): Promise<SavedChannels> {
  if (channels.length === 0) return { inserted: 0, changed: 0, written: 0, aliasesAdded: 0 };
  const codes = channels.map((c) => c.code);
  const matched = await db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM channels WHERE code = ANY($1::text[])",
    [codes],
  );
  // Unchanged rows are skipped (IS DISTINCT FROM), so RETURNING gives the inserted and the changed ones.
  const { rows } = await db.query<{ inserted: number; changed: number }>(
    `WITH written AS (
       INSERT INTO channels AS t (code, name, type, platform, is_paid)
       SELECT code, name, type, platform, coalesce(paid, type NOT IN ('direct', 'organic'))
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::boolean[]) AS v(code, name, type, platform, paid)
       ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, type = EXCLUDED.type, platform = EXCLUDED.platform,
         is_paid = CASE WHEN EXCLUDED.code = ANY($6::text[]) THEN t.is_paid ELSE EXCLUDED.is_paid END
       WHERE (t.name, t.type, t.platform, t.is_paid) IS DISTINCT FROM
             (EXCLUDED.name, EXCLUDED.type, EXCLUDED.platform,
              CASE WHEN EXCLUDED.code = ANY($6::text[]) THEN t.is_paid ELSE EXCLUDED.is_paid END)
       RETURNING (xmax = 0) AS inserted)
     SELECT count(*) FILTER (WHERE inserted)::int AS inserted, count(*) FILTER (WHERE NOT inserted)::int AS changed
     FROM written`,
    [
      codes,
      channels.map((c) => c.name.trim()),
      channels.map((c) => c.type),
      channels.map((c) => c.platform.trim()),
      channels.map((c) => c.isPaid ?? null),
      channels.filter((c) => c.isPaid === undefined).map((c) => c.code),
    ],
  );
  const pairs = channels.flatMap((c) => c.aliases.map((alias) => ({ alias, code: c.code })));
  const aliases = pairs.filter((p) => normaliseKey(p.alias) !== normaliseKey(p.code));
  const added = await db.query(
    `INSERT INTO channel_aliases (alias, written, channel_id)
     SELECT a.key, a.written, c.id FROM unnest($1::text[], $2::text[], $3::text[]) AS a(key, written, code)
     JOIN channels c ON c.code = a.code
     ON CONFLICT (alias) DO NOTHING`,
    [
      aliases.map((p) => normaliseKey(p.alias)),
      aliases.map((p) => p.alias.normalize("NFKC").trim()),
      aliases.map((p) => p.code),
    ],
  );
  const inserted = rows[0]?.inserted ?? 0;
  return {
    inserted,
    changed: rows[0]?.changed ?? 0,
    written: inserted + (matched.rows[0]?.n ?? 0),
    aliasesAdded: added.rowCount ?? 0,
  };
}

/** `work` in its own transaction (for the CLI, which has no import transaction around it). */
export function inTransaction<T>(pool: pg.Pool, work: (db: Queryable) => Promise<T>): Promise<T> {
  return withTransaction(pool, work);
}

/** A word as a POSIX shell needs it: quoted when it has spaces or shell characters. */
export function shellWord(text: string): string {
  return /^[\p{L}\p{N}_.,:@%+=/-]+$/u.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}
