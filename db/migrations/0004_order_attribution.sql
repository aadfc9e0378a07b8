-- Derived: each order's rank for its customer and its last touch (30-day lookback, after the previous order).
-- KPI tables read this instead of finding the last touch of every order at query time; `beacon demo`,
-- `beacon import` (orders, touchpoints) and `beacon db refresh` rebuild it.
CREATE TABLE IF NOT EXISTS order_attribution (
  order_id                bigint PRIMARY KEY REFERENCES orders(id) ON DELETE CASCADE,
  customer_id             bigint NOT NULL,
  ordered_at              timestamptz NOT NULL,
  order_rank              integer NOT NULL,          -- 1 = the customer's first order
  amount                  numeric(14,2) NOT NULL,    -- copied from orders so KPI scans need no join
  last_touch_channel_id   integer REFERENCES channels(id),
  last_touch_campaign_id  integer REFERENCES campaigns(id)
);
CREATE INDEX IF NOT EXISTS order_attribution_time_idx ON order_attribution (ordered_at);
