-- Messages a queued job has already posted to Slack (bot/jobs/post-memo.ts). The queue (pg-boss, its own schema
-- "pgboss", created by the library) may run a job twice: after its worker died, or on a retry. Each post of a job is
-- numbered in the order the job makes it; a second run finds the post already made and returns its ts instead of
-- posting again, so a retried job never posts a second answer.
CREATE TABLE IF NOT EXISTS job_posts (
  job_id    text NOT NULL,
  seq       integer NOT NULL CHECK (seq > 0),
  method    text NOT NULL,
  channel   text NOT NULL,
  ts        text,
  posted_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (job_id, seq)
);

CREATE INDEX IF NOT EXISTS job_posts_posted_at ON job_posts (posted_at);
