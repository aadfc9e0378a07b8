-- Web analytics (GA4 traffic acquisition / explorations): sessions per day by channel group, source / medium and
-- campaign. An empty string means "the export had no such column" (GA4 writes "(not set)" for missing values), so
-- the natural key is a plain primary key on PostgreSQL 15 (no NULLS NOT DISTINCT) and re-imports update in place.
CREATE TABLE IF NOT EXISTS web_sessions (
  day               date NOT NULL,
  channel_group     text NOT NULL DEFAULT '',   -- as exported, e.g. 'Paid Social'
  source_medium     text NOT NULL DEFAULT '',   -- e.g. 'bing / cpc'
  campaign_name     text NOT NULL DEFAULT '',   -- e.g. 'spring_sale', '(organic)'
  channel_id        integer REFERENCES channels(id),  -- Beacon's channel when the group (or source / medium) maps to one
  sessions          bigint NOT NULL CHECK (sessions >= 0),
  engaged_sessions  bigint CHECK (engaged_sessions IS NULL OR (engaged_sessions >= 0 AND engaged_sessions <= sessions)),
  key_events        numeric CHECK (key_events IS NULL OR key_events >= 0),  -- GA4 key events can be fractional
  revenue           numeric(14,2) CHECK (revenue IS NULL OR revenue >= 0),
  currency          text NOT NULL DEFAULT 'CNY' CHECK (currency ~ '^[A-Z]{3}$'),
  PRIMARY KEY (day, channel_group, source_medium, campaign_name)
);
CREATE INDEX IF NOT EXISTS web_sessions_channel_day_idx ON web_sessions (channel_id, day);

-- What query_database may read (tools/query-database/reporting-views.ts must match these notes).
CREATE OR REPLACE VIEW reporting.web_sessions AS
  SELECT day, channel_group, source_medium, campaign_name, channel_id, sessions, engaged_sessions, key_events,
         revenue, currency
  FROM public.web_sessions;
COMMENT ON COLUMN reporting.web_sessions.day IS 'calendar day of the sessions (the GA4 property''s time zone)';
COMMENT ON COLUMN reporting.web_sessions.channel_group IS 'GA4 session channel group as exported, e.g. Paid Social; empty when the export had none';
COMMENT ON COLUMN reporting.web_sessions.source_medium IS 'GA4 session source / medium, e.g. bing / cpc; empty when the export had none';
COMMENT ON COLUMN reporting.web_sessions.campaign_name IS 'GA4 session campaign; empty when the export had none';
COMMENT ON COLUMN reporting.web_sessions.channel_id IS 'reporting.channels.id the channel group maps to; null when unmapped';
COMMENT ON COLUMN reporting.web_sessions.sessions IS 'sessions that day';
COMMENT ON COLUMN reporting.web_sessions.engaged_sessions IS 'engaged sessions (null when not exported); engagement rate = engaged_sessions / sessions';
COMMENT ON COLUMN reporting.web_sessions.key_events IS 'GA4 key events (formerly conversions), may be fractional; null when not exported';
COMMENT ON COLUMN reporting.web_sessions.revenue IS 'GA4 total revenue (null when not exported)';
COMMENT ON COLUMN reporting.web_sessions.currency IS 'ISO 4217 currency of revenue';
GRANT SELECT ON reporting.web_sessions TO beacon_reporting;
