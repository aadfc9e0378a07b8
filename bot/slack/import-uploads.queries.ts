// The import_uploads table (migration 0014): a Slack upload from the file's arrival to Import or Cancel. Every
// transition is one conditional UPDATE, so a retried or double click finds the row already moved on.
import type { Queryable } from "../../db/pool.ts";

export type UploadStatus =
  | "awaiting_file"
  | "checking"
  | "previewed"
  | "refused"
  | "importing"
  | "imported"
  | "failed"
  | "cancelled"
  | "expired";

export interface UploadRow {
  id: string;
  uploader: string;
  channel_id: string;
  thread_ts: string | null;
  slack_file_id: string | null;
  file_name: string | null;
  file_path: string | null;
  file_sha256: string | null;
  entity: string | null;
  entity_source: "detected" | "named" | null;
  status: UploadStatus;
  preview_ts: string | null;
  decided_by: string | null;
  updated_at: string;
}

/** A preview not decided within this long expires (its file is deleted): upload again. */
export const PREVIEW_HOURS = 24;
/** An upload 'importing' for longer than this was interrupted (Beacon stopped); Import may be clicked again. */
export const STALE_IMPORT_MINUTES = 30;
/** `/beacon import` waits this long for the file. */
const AWAITING_MINUTES = 60;

const COLUMNS = `id::text, uploader, channel_id, thread_ts, slack_file_id, file_name, file_path, file_sha256, entity,
  entity_source, status, preview_ts, decided_by, to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI "UTC"') AS updated_at`;

/** `/beacon import [entity]`: the user's next file is read as `entity` (or detected when null). */
export async function awaitFile(db: Queryable, uploader: string, channel: string, entity: string | null) {
  // A newer request replaces an older one still waiting.
  await db.query(
    "UPDATE import_uploads SET status = 'expired', updated_at = now() WHERE uploader = $1 AND status = 'awaiting_file'",
    [uploader],
  );
  await db.query(
    `INSERT INTO import_uploads (uploader, channel_id, entity, entity_source, status)
     VALUES ($1, $2, $3, $4, 'awaiting_file')`,
    [uploader, channel, entity, entity === null ? null : "named"],
  );
}

/** Starts checking a file: takes over the user's waiting `/beacon import` (its entity) or creates a new row. */
export async function startUpload(
  db: Queryable,
  upload: { uploader: string; channel: string; threadTs: string; fileId: string; fileName: string; bytes: number },
): Promise<UploadRow> {
  const params = [upload.uploader, upload.channel, upload.threadTs, upload.fileId, upload.fileName, upload.bytes];
  const taken = await db.query<UploadRow>(
    `UPDATE import_uploads SET channel_id = $2, thread_ts = $3, slack_file_id = $4, file_name = $5, file_bytes = $6,
            status = 'checking', updated_at = now()
      WHERE id = (SELECT id FROM import_uploads WHERE uploader = $1 AND status = 'awaiting_file'
                     AND created_at > now() - make_interval(mins => ${AWAITING_MINUTES})
                   ORDER BY id DESC LIMIT 1)
      RETURNING ${COLUMNS}`,
    params,
  );
  if (taken.rows[0]) return taken.rows[0];
  const created = await db.query<UploadRow>(
    `INSERT INTO import_uploads (uploader, channel_id, thread_ts, slack_file_id, file_name, file_bytes, status)
     VALUES ($1, $2, $3, $4, $5, $6, 'checking') RETURNING ${COLUMNS}`,
    params,
  );
  return created.rows[0] as UploadRow;
}

/** Records the downloaded copy and the entity it will be read as. */
export async function recordFile(
  db: Queryable,
  id: string,
  file: { path: string; sha256: string; entity: string; source: "detected" | "named" },
) {
  await db.query(
    `UPDATE import_uploads SET file_path = $2, file_sha256 = $3, entity = $4, entity_source = $5, updated_at = now()
      WHERE id = $1`,
    [id, file.path, file.sha256, file.entity, file.source],
  );
}

/** The dry run passed and its preview is posted: the upload now waits for Import or Cancel. */
export async function markPreviewed(db: Queryable, id: string, previewTs: string | undefined, report: unknown) {
  await db.query(
    `UPDATE import_uploads SET status = 'previewed', preview_ts = $2, dry_run = $3, updated_at = now()
      WHERE id = $1 AND status = 'checking'`,
    [id, previewTs ?? null, JSON.stringify(report)],
  );
}

/** Ends an upload without importing (refused at checking, failed, cancelled): the outcome for the record. */
export async function finish(
  db: Queryable,
  id: string,
  status: Exclude<UploadStatus, "awaiting_file" | "checking" | "previewed" | "importing">,
  result: unknown,
  decidedBy?: string,
) {
  await db.query(
    `UPDATE import_uploads SET status = $2, result = $3, decided_by = COALESCE($4, decided_by), file_path = NULL,
            updated_at = now()
      WHERE id = $1`,
    [id, status, JSON.stringify(result ?? null), decidedBy ?? null],
  );
}

/**
 * Moves a previewed upload to `to` ('importing' or 'cancelled') if, and only if, it is still previewed (or its
 * import was interrupted) and not expired; null when another click (or a retry) got there first, or it expired.
 */
export async function claimDecision(
  db: Queryable,
  id: string,
  to: "importing" | "cancelled",
  user: string,
): Promise<UploadRow | null> {
  const { rows } = await db.query<UploadRow>(
    `UPDATE import_uploads SET status = $2, decided_by = $3, updated_at = now()
      WHERE id = $1 AND created_at > now() - make_interval(hours => ${PREVIEW_HOURS})
        AND (status = 'previewed'
             -- An import never takes this long: Beacon stopped during it (its transaction rolled back), so it may run again.
             OR (status = 'importing' AND updated_at < now() - make_interval(mins => ${STALE_IMPORT_MINUTES})))
      RETURNING ${COLUMNS}`,
    [id, to, user],
  );
  return rows[0] ?? null;
}

export async function findUpload(db: Queryable, id: string): Promise<UploadRow | null> {
  if (!/^\d{1,18}$/.test(id)) return null;
  const { rows } = await db.query<UploadRow>(`SELECT ${COLUMNS} FROM import_uploads WHERE id = $1`, [id]);
  return rows[0] ?? null;
}

/** Previews nobody decided on within PREVIEW_HOURS: marked expired; returns their files to delete. */
export async function expireStalePreviews(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ file_path: string | null }>(
    `WITH stale AS (
       SELECT id, file_path FROM import_uploads
        WHERE status IN ('previewed', 'checking') AND created_at <= now() - make_interval(hours => ${PREVIEW_HOURS})
        FOR UPDATE)
     UPDATE import_uploads u SET status = 'expired', file_path = NULL, updated_at = now()
       FROM stale WHERE u.id = stale.id
     RETURNING stale.file_path`,
  );
  return rows.map((r) => r.file_path).filter((p): p is string => p !== null);
}
