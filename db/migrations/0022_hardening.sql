-- Issue 21 hardening.
--
-- 1. Model tokens reserved when a question is admitted (agent/admission.ts), so the daily quota is counted at
--    admission like the rate limit: a burst of questions can no longer all pass a check that reads only finished
--    runs. The reservation is deleted in the transaction that writes the run's audit row (its real token counts);
--    one left behind by a crashed process stops counting after an hour and is deleted by the user's next admission.
CREATE TABLE IF NOT EXISTS token_reservations (
  id          bigserial PRIMARY KEY,
  user_id     text NOT NULL,                        -- the user whose daily quota it counts against
  tokens      integer NOT NULL CHECK (tokens > 0),  -- the question's token budget: the most it may spend
  reserved_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE INDEX IF NOT EXISTS token_reservations_user_time ON token_reservations (user_id, reserved_at);

-- 2. An answer Slack refused or could not take is audited as what it is, not as a generic error. failure_code keeps
--    Slack's error (invalid_blocks, service_unavailable, ...); rows written before carried it as
--    'delivery_failed: <error>' under outcome 'error'.
ALTER TABLE agent_runs DROP CONSTRAINT IF EXISTS agent_runs_outcome_check;
UPDATE agent_runs
   SET outcome = 'delivery_failed', failure_code = substr(failure_code, length('delivery_failed: ') + 1)
 WHERE outcome = 'error' AND failure_code LIKE 'delivery\_failed: %';
ALTER TABLE agent_runs ADD CONSTRAINT agent_runs_outcome_check
  CHECK (outcome IN ('ok', 'partial', 'error', 'refused', 'delivery_failed'));
