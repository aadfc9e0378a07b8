-- The channel catalogue is the user's: other spellings of a channel (a CRM's lead source "百度推广", "Advertisement",
-- a GA4 channel group) map to it through channel_aliases, and customers keep what CRM exports carry besides the
-- columns Beacon computes with.

-- alias is the spelling as db/import/columns.ts normaliseKey() keys it (NFKC, lower case, letters and digits only), so
-- "Web Download", "web-download" and "ＷＥＢ　ＤＯＷＮＬＯＡＤ" are one alias; written keeps the spelling as given.
-- No default aliases: the demo (db/demo) creates its channels after migrations and replaces them on every run
-- (TRUNCATE channels ... CASCADE empties this table too), and its channels already resolve by code, name or platform.
CREATE TABLE IF NOT EXISTS channel_aliases (
  alias       text PRIMARY KEY CHECK (alias <> ''),
  written     text NOT NULL,
  channel_id  integer NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS channel_aliases_channel_idx ON channel_aliases (channel_id);

-- Kept as the export wrote them (none of them is computed with):
ALTER TABLE customers ADD COLUMN IF NOT EXISTS source_text text;  -- the lead source when it maps to no channel
ALTER TABLE customers ADD COLUMN IF NOT EXISTS level text;        -- 客户级别 / tier / rating, e.g. 重要客户, Gold, Hot
ALTER TABLE customers ADD COLUMN IF NOT EXISTS address text;      -- street address (地址, Mailing Street)
ALTER TABLE customers ADD COLUMN IF NOT EXISTS owner text;        -- the CRM user responsible (负责人, Contact Owner)
