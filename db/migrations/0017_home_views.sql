-- The Slack App Home tab. One row per user: when their Home view was last published, so opening the tab refreshes
-- it at most once a minute per user even with several Beacon processes (the claim is one atomic
-- INSERT ... ON CONFLICT DO UPDATE ... WHERE published_at < now - 1 minute; the process whose statement returns the
-- row publishes, the others skip).
CREATE TABLE IF NOT EXISTS home_views (
  user_id      text PRIMARY KEY,               -- Slack user id
  published_at timestamptz NOT NULL,           -- when the last refresh was claimed
  role         text,                           -- the role the view was built for (changes show up on the next open)
  publishes    integer NOT NULL DEFAULT 1      -- how many times it was published (operators' curiosity, tests)
);

-- Trend charts uploaded to Slack for Home views, by a key of their content: the same chart (same days, same numbers)
-- is uploaded once and every view refers to the file by id (Block Kit image block with slack_file).
CREATE TABLE IF NOT EXISTS home_charts (
  chart_key   text PRIMARY KEY,                -- sha256 of the chart's data and currency
  file_id     text NOT NULL,                   -- Slack file id (F...)
  created_at  timestamptz NOT NULL DEFAULT now()
);
