-- CSV files uploaded to Beacon in Slack, between the dry-run preview and the Import / Cancel click. The file itself
-- is kept under BEACON_DATA_DIR/uploads (file_path) until the click, checked against file_sha256 before importing.
-- A row with status 'awaiting_file' is a `/beacon import [entity]` waiting for the user's next file in the DM.
CREATE TABLE IF NOT EXISTS import_uploads (
  id            bigserial PRIMARY KEY,
  uploader      text NOT NULL,                 -- Slack user id of who uploaded (only they may click Import)
  channel_id    text NOT NULL,                 -- the DM (or channel) the preview was posted in
  thread_ts     text,                          -- the thread of the preview
  slack_file_id text,                          -- F..., null while awaiting a file
  file_name     text,
  file_path     text,                          -- the downloaded copy; removed after Import or Cancel
  file_sha256   text,
  file_bytes    bigint CHECK (file_bytes IS NULL OR file_bytes >= 0),
  entity        text,                          -- detected, or named with /beacon import <entity>
  entity_source text CHECK (entity_source IS NULL OR entity_source IN ('detected', 'named')),
  status        text NOT NULL CHECK (status IN
                  ('awaiting_file', 'checking', 'previewed', 'refused', 'importing', 'imported', 'failed', 'cancelled', 'expired')),
  preview_ts    text,                          -- ts of the preview message, updated with the outcome
  dry_run       jsonb,                         -- the dry run's report
  result        jsonb,                         -- the import's report, or its problems
  decided_by    text,                          -- who clicked Import or Cancel
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS import_uploads_uploader_status_idx ON import_uploads (uploader, status, created_at);
