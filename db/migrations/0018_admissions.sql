-- Questions admitted past the per-user rate limit, one row per question, written when the question is ACCEPTED
-- (not when its answer finishes): the check and the insert run in one transaction under a per-user advisory lock,
-- so several processes (or a burst of concurrent questions) can never admit more than the limit per minute.
-- Rows older than the window are deleted by the next admission of the same user; the audit log stays agent_runs.
CREATE TABLE IF NOT EXISTS question_admissions (
  id          bigserial PRIMARY KEY,
  user_id     text NOT NULL,                        -- Slack user id (or the CLI's)
  admitted_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE INDEX IF NOT EXISTS question_admissions_user_time ON question_admissions (user_id, admitted_at);
