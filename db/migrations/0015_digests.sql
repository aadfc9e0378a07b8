-- Scheduled digests (`/beacon digest add "<cron>" #channel view=manager period=last_week`). Removing a digest sets
-- removed_at and keeps the row, so its runs stay in digest_runs as history.
CREATE TABLE IF NOT EXISTS digests (
  id          bigserial PRIMARY KEY,
  cron        text NOT NULL,                  -- five fields (minute hour day-of-month month day-of-week) or @weekly ...
  timezone    text NOT NULL,                  -- IANA zone the cron is read in (BEACON_TIMEZONE unless tz= was given)
  channel     text NOT NULL,                  -- Slack channel id the digest is posted to
  view        text NOT NULL CHECK (view IN ('manager', 'marketer')),
  period      text NOT NULL,                  -- last_week, last_month, ... (checked by the command, not here, so a
                                              -- period summarize_period learns later needs no migration)
  created_by  text NOT NULL,                  -- Slack user id
  created_at  timestamptz NOT NULL DEFAULT now(),
  removed_by  text,
  removed_at  timestamptz
);
CREATE INDEX IF NOT EXISTS digests_active_idx ON digests (id) WHERE removed_at IS NULL;

-- One row per scheduled slot that was (or is being) posted. The unique key (digest_id, scheduled_for) is the claim:
-- a process inserts the row with ON CONFLICT DO NOTHING RETURNING before posting, so of several Beacon processes
-- sharing the database exactly one gets the row and posts.
CREATE TABLE IF NOT EXISTS digest_runs (
  id             bigserial PRIMARY KEY,
  digest_id      bigint NOT NULL REFERENCES digests(id),
  scheduled_for  timestamptz NOT NULL,
  -- posting: claimed, being posted (reclaimed if it stays so for 15 minutes: the process died); posted: in Slack;
  -- failed: Slack or the tools refused, retried by the next ticks up to 3 attempts while it is the latest slot.
  status         text NOT NULL CHECK (status IN ('posting', 'posted', 'failed')),
  late           boolean NOT NULL,            -- started more than a few minutes after its slot (Beacon was down)
  skipped_slots  integer NOT NULL DEFAULT 0,  -- earlier slots missed while down and deliberately not replayed
  attempts       integer NOT NULL DEFAULT 1,
  claimed_at     timestamptz NOT NULL DEFAULT now(),
  posted_at      timestamptz,
  posted_ts      text,                        -- ts of the digest message (its thread takes the button answers)
  error          text,
  CONSTRAINT digest_runs_slot_key UNIQUE (digest_id, scheduled_for)
);
CREATE INDEX IF NOT EXISTS digest_runs_status_idx ON digest_runs (status) WHERE status <> 'posted';
