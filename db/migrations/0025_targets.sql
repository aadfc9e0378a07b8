-- Monthly targets (revenue, spend, new customers), total or per channel, for forecast pacing ("on track / at risk").
-- channel_code '' means the whole business (a plain primary key on PostgreSQL 15: no NULLS NOT DISTINCT).
CREATE TABLE IF NOT EXISTS targets (
  month         date NOT NULL CHECK (extract(day FROM month) = 1),
  metric        text NOT NULL CHECK (metric IN ('revenue','orders','spend','new_customers')),
  channel_code  text NOT NULL DEFAULT '' CHECK (channel_code = '' OR channel_code ~ '^[a-z0-9_]+$'),
  amount        numeric(16,2) NOT NULL CHECK (amount > 0),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (month, metric, channel_code)
);
