-- Anomaly alerts the daily scan posts to BEACON_ALERT_CHANNEL. One row per anomaly, ever: the unique key is the
-- anomaly itself (series, level, channel, platform, campaign, category, first day of its run), so a process claims
-- it by inserting its row (INSERT ... ON CONFLICT DO NOTHING RETURNING) before posting, and a second process sharing
-- the database, or a second tick, finds it taken. NULLS NOT DISTINCT: a channel-level anomaly has no campaign and
-- must still collide.
CREATE TABLE IF NOT EXISTS anomaly_alerts (
  id                   bigserial PRIMARY KEY,
  series               text NOT NULL,            -- spend, cpc, cvr, orders, tickets, ...
  level                text NOT NULL,            -- channel, platform, campaign, ticket_category
  channel_code         text,                     -- channels.code (a platform's only channel), else null
  platform             text,                     -- channels.platform, for platform-level series
  campaign_external_id text,                     -- campaigns.external_id, null above campaign level
  category             text,                     -- ticket category for ticket series
  day                  date NOT NULL,            -- first day of the run of anomalous days
  anomaly              jsonb NOT NULL,           -- the scanner's finding as posted (actual, expected band, driver, ...)
  -- posting: claimed by a process that is posting it; posted: in Slack; failed: Slack refused, retried next tick;
  -- muted: found while its series was muted, never posted.
  status               text NOT NULL CHECK (status IN ('posting', 'posted', 'failed', 'muted')),
  slack_channel        text NOT NULL,            -- BEACON_ALERT_CHANNEL when it was claimed
  posted_ts            text,                     -- ts of the alert message once posted
  attempts             integer NOT NULL DEFAULT 0,
  last_error           text,
  claimed_at           timestamptz NOT NULL DEFAULT now(),
  muted_by             text,                     -- who clicked "Mute 7 days" on this alert
  muted_until          timestamptz,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT anomaly_alerts_anomaly_key UNIQUE NULLS NOT DISTINCT
    (series, level, channel_code, platform, campaign_external_id, category, day)
);
CREATE INDEX IF NOT EXISTS anomaly_alerts_status_idx ON anomaly_alerts (status, claimed_at);

-- "Mute 7 days": anomalies of this series for this channel / platform / campaign / category are not posted until
-- muted_until.
CREATE TABLE IF NOT EXISTS alert_mutes (
  id                   bigserial PRIMARY KEY,
  series               text NOT NULL,
  channel_code         text,
  platform             text,
  campaign_external_id text,
  category             text,
  muted_until          timestamptz NOT NULL,
  muted_by             text NOT NULL,            -- Slack user id
  alert_id             bigint REFERENCES anomaly_alerts(id) ON DELETE SET NULL,  -- the alert the button was on
  created_at           timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT alert_mutes_key UNIQUE NULLS NOT DISTINCT (series, channel_code, platform, campaign_external_id, category)
);

-- Days the scan has covered (in BEACON_TIMEZONE): after downtime the next tick scans the days missed, up to 7.
CREATE TABLE IF NOT EXISTS anomaly_scan_days (
  day         date PRIMARY KEY,
  anomalies   integer NOT NULL CHECK (anomalies >= 0),   -- found that day (posted, muted or already known)
  scanned_at  timestamptz NOT NULL DEFAULT now()
);
