-- Derived: daily totals per channel x campaign x business day, so the KPI table, the period summary and the anomaly
-- scan add up a few thousand rows instead of scanning orders and conversion logs (derived/daily-rollups.ts
-- maintains them; tools/rollups.ts decides when they answer a question).
--
-- Two kinds of rows share daily_rollups: order rows (spend columns NULL) keyed by the order's last touch
-- (order_attribution: channel, campaign; NULL = no touch / no campaign), and ad-spend rows (order columns NULL)
-- keyed by the campaign and its channel. Days are business days in daily_rollups_state.timezone.
CREATE TABLE IF NOT EXISTS daily_rollups (
  day                 date NOT NULL,
  channel_id          integer,
  campaign_id         integer,
  orders              integer,            -- orders (each counted once, by its last touch)
  revenue             numeric(16,2),      -- their amounts
  new_customers       integer,            -- orders that were the customer's first (order_rank = 1)
  spend               numeric(16,2),      -- ad_spend_daily, summed
  impressions         bigint,
  clicks              bigint,
  claimed_conversions numeric,            -- what the ad reports claimed; NULL when no report said
  claimed_value       numeric(16,2)
);
CREATE INDEX IF NOT EXISTS daily_rollups_day_idx ON daily_rollups (day);

-- The platforms' conversion logs (platform_conversions) per business day, platform and campaign.
CREATE TABLE IF NOT EXISTS daily_claim_rollups (
  day          date NOT NULL,
  platform     text NOT NULL,
  campaign_id  integer,
  claims       integer NOT NULL,
  value        numeric(16,2) NOT NULL     -- sum of reported_value (NULL values count as 0)
);
CREATE INDEX IF NOT EXISTS daily_claim_rollups_day_idx ON daily_claim_rollups (day);

-- When and in which time zone the rollups were last brought up to date (one row once built).
CREATE TABLE IF NOT EXISTS daily_rollups_state (
  only_row     boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  timezone     text NOT NULL,
  refreshed_at timestamptz NOT NULL
);

-- Business days whose rollups are out of date because a source row of that day was written since the last
-- maintenance; '-infinity' means every day (a TRUNCATE, a campaign moved to another channel, rollups never built).
-- The tools read the raw tables while any row is here, so a rollup is never read stale.
CREATE TABLE IF NOT EXISTS daily_rollups_dirty (
  day date PRIMARY KEY
);
INSERT INTO daily_rollups_dirty (day) VALUES ('-infinity') ON CONFLICT DO NOTHING;

-- Statement-level triggers with transition tables, one insert per written statement whoever writes (imports, the
-- demo, a test or a person in psql). Instants become days in the rollups' time zone; without one (never built),
-- or once everything is dirty, the statement marks all or nothing more.
CREATE OR REPLACE FUNCTION daily_rollups_mark_all() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO daily_rollups_dirty (day) VALUES ('-infinity') ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION daily_rollups_mark_instants() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  zone text := (SELECT timezone FROM daily_rollups_state);
BEGIN
  IF EXISTS (SELECT 1 FROM daily_rollups_dirty WHERE day = '-infinity') THEN
    RETURN NULL;
  END IF;
  IF zone IS NULL THEN
    INSERT INTO daily_rollups_dirty (day) VALUES ('-infinity') ON CONFLICT DO NOTHING;
  ELSIF TG_TABLE_NAME = 'order_attribution' THEN
    INSERT INTO daily_rollups_dirty (day)
    SELECT DISTINCT (ordered_at AT TIME ZONE zone)::date FROM changed_rows ON CONFLICT DO NOTHING;
  ELSE
    INSERT INTO daily_rollups_dirty (day)
    SELECT DISTINCT (converted_at AT TIME ZONE zone)::date FROM changed_rows ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION daily_rollups_mark_days() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM daily_rollups_dirty WHERE day = '-infinity') THEN
    INSERT INTO daily_rollups_dirty (day) SELECT DISTINCT day FROM changed_rows ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END $$;

-- order_attribution and platform_conversions: inserts and deletes mark the rows' days; an update marks the days of
-- both the old and the new rows (one trigger per transition table).
DROP TRIGGER IF EXISTS daily_rollups_attribution_insert ON order_attribution;
CREATE TRIGGER daily_rollups_attribution_insert AFTER INSERT ON order_attribution
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION daily_rollups_mark_instants();
DROP TRIGGER IF EXISTS daily_rollups_attribution_delete ON order_attribution;
CREATE TRIGGER daily_rollups_attribution_delete AFTER DELETE ON order_attribution
  REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION daily_rollups_mark_instants();
DROP TRIGGER IF EXISTS daily_rollups_attribution_update_old ON order_attribution;
CREATE TRIGGER daily_rollups_attribution_update_old AFTER UPDATE ON order_attribution
  REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION daily_rollups_mark_instants();
DROP TRIGGER IF EXISTS daily_rollups_attribution_update_new ON order_attribution;
CREATE TRIGGER daily_rollups_attribution_update_new AFTER UPDATE ON order_attribution
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION daily_rollups_mark_instants();
DROP TRIGGER IF EXISTS daily_rollups_attribution_truncate ON order_attribution;
CREATE TRIGGER daily_rollups_attribution_truncate AFTER TRUNCATE ON order_attribution
  FOR EACH STATEMENT EXECUTE FUNCTION daily_rollups_mark_all();

DROP TRIGGER IF EXISTS daily_rollups_claims_insert ON platform_conversions;
CREATE TRIGGER daily_rollups_claims_insert AFTER INSERT ON platform_conversions
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION daily_rollups_mark_instants();
DROP TRIGGER IF EXISTS daily_rollups_claims_delete ON platform_conversions;
CREATE TRIGGER daily_rollups_claims_delete AFTER DELETE ON platform_conversions
  REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION daily_rollups_mark_instants();
DROP TRIGGER IF EXISTS daily_rollups_claims_update_old ON platform_conversions;
CREATE TRIGGER daily_rollups_claims_update_old AFTER UPDATE ON platform_conversions
  REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION daily_rollups_mark_instants();
DROP TRIGGER IF EXISTS daily_rollups_claims_update_new ON platform_conversions;
CREATE TRIGGER daily_rollups_claims_update_new AFTER UPDATE ON platform_conversions
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION daily_rollups_mark_instants();
DROP TRIGGER IF EXISTS daily_rollups_claims_truncate ON platform_conversions;
CREATE TRIGGER daily_rollups_claims_truncate AFTER TRUNCATE ON platform_conversions
  FOR EACH STATEMENT EXECUTE FUNCTION daily_rollups_mark_all();

DROP TRIGGER IF EXISTS daily_rollups_spend_insert ON ad_spend_daily;
CREATE TRIGGER daily_rollups_spend_insert AFTER INSERT ON ad_spend_daily
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION daily_rollups_mark_days();
DROP TRIGGER IF EXISTS daily_rollups_spend_delete ON ad_spend_daily;
CREATE TRIGGER daily_rollups_spend_delete AFTER DELETE ON ad_spend_daily
  REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION daily_rollups_mark_days();
DROP TRIGGER IF EXISTS daily_rollups_spend_update_old ON ad_spend_daily;
CREATE TRIGGER daily_rollups_spend_update_old AFTER UPDATE ON ad_spend_daily
  REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION daily_rollups_mark_days();
DROP TRIGGER IF EXISTS daily_rollups_spend_update_new ON ad_spend_daily;
CREATE TRIGGER daily_rollups_spend_update_new AFTER UPDATE ON ad_spend_daily
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION daily_rollups_mark_days();
DROP TRIGGER IF EXISTS daily_rollups_spend_truncate ON ad_spend_daily;
CREATE TRIGGER daily_rollups_spend_truncate AFTER TRUNCATE ON ad_spend_daily
  FOR EACH STATEMENT EXECUTE FUNCTION daily_rollups_mark_all();

-- A campaign's channel keys its spend rows: any change to campaigns (rare) marks every day.
DROP TRIGGER IF EXISTS daily_rollups_campaigns_update ON campaigns;
CREATE TRIGGER daily_rollups_campaigns_update AFTER UPDATE OF channel_id ON campaigns
  FOR EACH STATEMENT EXECUTE FUNCTION daily_rollups_mark_all();
DROP TRIGGER IF EXISTS daily_rollups_campaigns_truncate ON campaigns;
CREATE TRIGGER daily_rollups_campaigns_truncate AFTER TRUNCATE ON campaigns
  FOR EACH STATEMENT EXECUTE FUNCTION daily_rollups_mark_all();
