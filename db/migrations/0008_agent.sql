-- The analyst agent: thread memory, richer audit rows, and the reporting views query_database may read.

-- Conversation state per Slack thread (or console session): the trimmed LangChain message list.
CREATE TABLE IF NOT EXISTS agent_threads (
  thread_key  text PRIMARY KEY,
  messages    jsonb NOT NULL DEFAULT '[]',
  turns       integer NOT NULL DEFAULT 0,
  updated_at  timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE agent_runs ADD COLUMN IF NOT EXISTS thread_key text;
ALTER TABLE agent_runs ADD COLUMN IF NOT EXISTS model text;
ALTER TABLE agent_runs ADD COLUMN IF NOT EXISTS language text;
ALTER TABLE agent_runs ADD COLUMN IF NOT EXISTS failure_code text;
ALTER TABLE agent_runs ADD COLUMN IF NOT EXISTS untraceable jsonb NOT NULL DEFAULT '[]';
-- Rate limits and daily quotas count a user's recent runs.
CREATE INDEX IF NOT EXISTS agent_runs_user_created_idx ON agent_runs (user_id, created_at DESC);

-- Reporting views: the only relations query_database may read. No names, emails, phones or free text.
CREATE SCHEMA IF NOT EXISTS reporting;

CREATE OR REPLACE VIEW reporting.channels AS
  SELECT id, code, name, type, platform, is_paid FROM public.channels;
COMMENT ON COLUMN reporting.channels.id IS 'channel id (used by other views as channel_id)';
COMMENT ON COLUMN reporting.channels.code IS 'short code, e.g. douyin, baidu_sem';
COMMENT ON COLUMN reporting.channels.name IS 'display name';
COMMENT ON COLUMN reporting.channels.type IS 'search, social, short_video, email, display, video, affiliate, offline, direct, ...';
COMMENT ON COLUMN reporting.channels.platform IS 'ad platform that reports conversions for this channel';
COMMENT ON COLUMN reporting.channels.is_paid IS 'true for paid media';

CREATE OR REPLACE VIEW reporting.campaigns AS
  SELECT id, external_id, channel_id, name, objective, start_date, end_date, budget, target_region
  FROM public.campaigns;
COMMENT ON COLUMN reporting.campaigns.id IS 'campaign id';
COMMENT ON COLUMN reporting.campaigns.external_id IS 'the ad platform''s campaign id';
COMMENT ON COLUMN reporting.campaigns.channel_id IS 'channel the campaign runs on (reporting.channels.id)';
COMMENT ON COLUMN reporting.campaigns.name IS 'campaign name';
COMMENT ON COLUMN reporting.campaigns.objective IS 'conversion, awareness, retention, ...';
COMMENT ON COLUMN reporting.campaigns.start_date IS 'first day';
COMMENT ON COLUMN reporting.campaigns.end_date IS 'last day (null: open-ended)';
COMMENT ON COLUMN reporting.campaigns.budget IS 'total budget in the reporting currency';
COMMENT ON COLUMN reporting.campaigns.target_region IS 'region targeted, null for national';

CREATE OR REPLACE VIEW reporting.ad_spend_daily AS
  SELECT campaign_id, day, spend, impressions, clicks FROM public.ad_spend_daily;
COMMENT ON COLUMN reporting.ad_spend_daily.campaign_id IS 'reporting.campaigns.id';
COMMENT ON COLUMN reporting.ad_spend_daily.day IS 'calendar day in the business time zone';
COMMENT ON COLUMN reporting.ad_spend_daily.spend IS 'media spend that day';
COMMENT ON COLUMN reporting.ad_spend_daily.impressions IS 'impressions that day';
COMMENT ON COLUMN reporting.ad_spend_daily.clicks IS 'clicks that day';

CREATE OR REPLACE VIEW reporting.customers AS
  SELECT id, country, region, city, signup_date, acquisition_channel_id, marketing_consent, birth_year, gender
  FROM public.customers;
COMMENT ON COLUMN reporting.customers.id IS 'customer id';
COMMENT ON COLUMN reporting.customers.country IS 'country code';
COMMENT ON COLUMN reporting.customers.region IS 'region / province';
COMMENT ON COLUMN reporting.customers.city IS 'city';
COMMENT ON COLUMN reporting.customers.signup_date IS 'day the customer signed up';
COMMENT ON COLUMN reporting.customers.acquisition_channel_id IS 'channel that acquired the customer (reporting.channels.id)';
COMMENT ON COLUMN reporting.customers.marketing_consent IS 'may receive marketing messages';
COMMENT ON COLUMN reporting.customers.birth_year IS 'birth year when known';
COMMENT ON COLUMN reporting.customers.gender IS 'female, male, other or null';

CREATE OR REPLACE VIEW reporting.orders AS
  SELECT id, customer_id, ordered_at, amount, discount_amount, margin, currency, sales_channel
  FROM public.orders;
COMMENT ON COLUMN reporting.orders.id IS 'order id';
COMMENT ON COLUMN reporting.orders.customer_id IS 'reporting.customers.id';
COMMENT ON COLUMN reporting.orders.ordered_at IS 'order time (timestamptz)';
COMMENT ON COLUMN reporting.orders.amount IS 'revenue of the order after discount';
COMMENT ON COLUMN reporting.orders.discount_amount IS 'discount given';
COMMENT ON COLUMN reporting.orders.margin IS 'gross margin when known';
COMMENT ON COLUMN reporting.orders.currency IS 'ISO 4217 currency';
COMMENT ON COLUMN reporting.orders.sales_channel IS 'online, store, app, marketplace';

CREATE OR REPLACE VIEW reporting.touchpoints AS
  SELECT id, customer_id, channel_id, campaign_id, occurred_at, type FROM public.touchpoints;
COMMENT ON COLUMN reporting.touchpoints.id IS 'touchpoint id';
COMMENT ON COLUMN reporting.touchpoints.customer_id IS 'reporting.customers.id';
COMMENT ON COLUMN reporting.touchpoints.channel_id IS 'reporting.channels.id';
COMMENT ON COLUMN reporting.touchpoints.campaign_id IS 'reporting.campaigns.id when known';
COMMENT ON COLUMN reporting.touchpoints.occurred_at IS 'time of the interaction';
COMMENT ON COLUMN reporting.touchpoints.type IS 'impression, click, visit or email_open';

CREATE OR REPLACE VIEW reporting.platform_conversions AS
  SELECT id, platform, customer_id, campaign_id, click_at, converted_at, reported_value
  FROM public.platform_conversions;
COMMENT ON COLUMN reporting.platform_conversions.id IS 'conversion claim id';
COMMENT ON COLUMN reporting.platform_conversions.platform IS 'ad platform that claimed the conversion';
COMMENT ON COLUMN reporting.platform_conversions.customer_id IS 'customer when matched';
COMMENT ON COLUMN reporting.platform_conversions.campaign_id IS 'campaign credited by the platform';
COMMENT ON COLUMN reporting.platform_conversions.click_at IS 'click time the platform reports';
COMMENT ON COLUMN reporting.platform_conversions.converted_at IS 'conversion time the platform reports';
COMMENT ON COLUMN reporting.platform_conversions.reported_value IS 'value the platform claims';

CREATE OR REPLACE VIEW reporting.nps_responses AS
  SELECT id, customer_id, score, responded_at, source FROM public.nps_responses;
COMMENT ON COLUMN reporting.nps_responses.id IS 'response id';
COMMENT ON COLUMN reporting.nps_responses.customer_id IS 'customer when known';
COMMENT ON COLUMN reporting.nps_responses.score IS '0-10; promoters 9-10, detractors 0-6';
COMMENT ON COLUMN reporting.nps_responses.responded_at IS 'answer time';
COMMENT ON COLUMN reporting.nps_responses.source IS 'survey source';

CREATE OR REPLACE VIEW reporting.feedback_tickets AS
  SELECT id, customer_id, source_channel, category, sentiment, severity, priority, status, campaign_id,
         channel_id, created_at, resolved_at, follow_up_due, satisfaction
  FROM public.feedback_tickets;
COMMENT ON COLUMN reporting.feedback_tickets.id IS 'ticket id';
COMMENT ON COLUMN reporting.feedback_tickets.customer_id IS 'customer when known';
COMMENT ON COLUMN reporting.feedback_tickets.source_channel IS 'phone, email, social, survey, in_store, chat, review_site';
COMMENT ON COLUMN reporting.feedback_tickets.category IS 'ad_promise, pricing, product_quality, delivery, service, website_app, billing, other';
COMMENT ON COLUMN reporting.feedback_tickets.sentiment IS 'negative, neutral, positive';
COMMENT ON COLUMN reporting.feedback_tickets.severity IS 'low, medium, high, critical';
COMMENT ON COLUMN reporting.feedback_tickets.priority IS 'P1 (most urgent) to P4';
COMMENT ON COLUMN reporting.feedback_tickets.status IS 'new, triaged, in_progress, resolved, followed_up, closed';
COMMENT ON COLUMN reporting.feedback_tickets.campaign_id IS 'campaign the feedback is about';
COMMENT ON COLUMN reporting.feedback_tickets.channel_id IS 'channel the feedback is about';
COMMENT ON COLUMN reporting.feedback_tickets.created_at IS 'filed at';
COMMENT ON COLUMN reporting.feedback_tickets.resolved_at IS 'resolved at';
COMMENT ON COLUMN reporting.feedback_tickets.follow_up_due IS 'customer follow-up due at';
COMMENT ON COLUMN reporting.feedback_tickets.satisfaction IS '1-5 after follow-up';

-- On a server, query_database runs as this role, which can read the reporting views and nothing else.
-- Roles are cluster-wide, so concurrent migrations of several databases may race to create it.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'beacon_reporting') THEN
    CREATE ROLE beacon_reporting NOLOGIN;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
  NULL;
END
$$;
-- The connecting user must be able to SET ROLE to it (superusers always can).
DO $$
BEGIN
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    EXECUTE format('GRANT beacon_reporting TO %I', current_user);
  END IF;
END
$$;
GRANT USAGE ON SCHEMA reporting TO beacon_reporting;
GRANT SELECT ON ALL TABLES IN SCHEMA reporting TO beacon_reporting;
