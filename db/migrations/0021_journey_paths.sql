-- Derived: every customer's touches cut into journey segments at their orders, so compute_attribution aggregates
-- stored paths instead of re-walking every touchpoint (derived/journey-paths.ts maintains it).
--
-- A segment is the customer's touches after one order and up to the next (the closing order), in time order
-- (occurred_at, id); the open segment after a customer's last order (or all their touches, without an order) has no
-- closing order. Segments are kept whole, not cut at any lookback: a converting path for lookback L is the suffix of
-- touches later than ordered_at - L days, and the non-converting path of a period is the part of the segment that
-- straddles the period end which falls inside the period. Both are array slices found by binary search (width_bucket
-- over touched_at), so every period and lookback the tool accepts is answered exactly from this table.
CREATE TABLE IF NOT EXISTS journey_segments (
  customer_id    bigint NOT NULL,
  order_id       bigint,                    -- the closing order; NULL for the open segment after the last order
  ordered_at     timestamptz,               -- its time
  amount         numeric(14,2),             -- its amount, as in orders
  is_first       boolean,                   -- whether it is the customer's first order
  prev_at        timestamptz,               -- the previous order's time (touches are all later); NULL if none
  channels       integer[] NOT NULL,        -- touchpoints.channel_id of each touch, in time order
  campaign_keys  integer[] NOT NULL,        -- coalesce(campaign_id, -channel_id) of each touch
  touched_at     timestamptz[] NOT NULL     -- occurred_at of each touch (ascending)
);
CREATE UNIQUE INDEX IF NOT EXISTS journey_segments_order_idx ON journey_segments (order_id);
CREATE INDEX IF NOT EXISTS journey_segments_customer_idx ON journey_segments (customer_id);
CREATE INDEX IF NOT EXISTS journey_segments_time_idx ON journey_segments (ordered_at);

-- Customers whose segments are out of date because their orders or touchpoints were written since the last
-- maintenance; -1 means "all of them" (a TRUNCATE, or a database that had data before this migration).
-- compute_attribution walks the raw touchpoints while any row is here, so stored paths are never stale.
CREATE TABLE IF NOT EXISTS journey_paths_dirty (
  customer_id bigint PRIMARY KEY
);
INSERT INTO journey_paths_dirty (customer_id) VALUES (-1) ON CONFLICT DO NOTHING;

-- Statement-level triggers with transition tables: one insert per written statement, whoever writes (imports,
-- the demo, a test or a person in psql). Once everything is marked dirty, nothing more needs recording.
CREATE OR REPLACE FUNCTION journey_paths_mark_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM journey_paths_dirty WHERE customer_id = -1) THEN
    INSERT INTO journey_paths_dirty (customer_id)
    SELECT DISTINCT customer_id FROM changed_rows ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION journey_paths_mark_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM journey_paths_dirty WHERE customer_id = -1) THEN
    -- Only rows whose journey-relevant columns changed; a moved row dirties its old and its new customer.
    INSERT INTO journey_paths_dirty (customer_id)
    SELECT o.customer_id FROM old_rows o JOIN new_rows n USING (id)
    WHERE to_jsonb(o) IS DISTINCT FROM to_jsonb(n)
    UNION
    SELECT n.customer_id FROM old_rows o JOIN new_rows n USING (id)
    WHERE to_jsonb(o) IS DISTINCT FROM to_jsonb(n)
    ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION journey_paths_mark_all() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO journey_paths_dirty (customer_id) VALUES (-1) ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS journey_paths_orders_insert ON orders;
CREATE TRIGGER journey_paths_orders_insert AFTER INSERT ON orders
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION journey_paths_mark_changed();
DROP TRIGGER IF EXISTS journey_paths_orders_delete ON orders;
CREATE TRIGGER journey_paths_orders_delete AFTER DELETE ON orders
  REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION journey_paths_mark_changed();
DROP TRIGGER IF EXISTS journey_paths_orders_update ON orders;
CREATE TRIGGER journey_paths_orders_update AFTER UPDATE ON orders
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION journey_paths_mark_updated();
DROP TRIGGER IF EXISTS journey_paths_orders_truncate ON orders;
CREATE TRIGGER journey_paths_orders_truncate AFTER TRUNCATE ON orders
  FOR EACH STATEMENT EXECUTE FUNCTION journey_paths_mark_all();

DROP TRIGGER IF EXISTS journey_paths_touchpoints_insert ON touchpoints;
CREATE TRIGGER journey_paths_touchpoints_insert AFTER INSERT ON touchpoints
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION journey_paths_mark_changed();
DROP TRIGGER IF EXISTS journey_paths_touchpoints_delete ON touchpoints;
CREATE TRIGGER journey_paths_touchpoints_delete AFTER DELETE ON touchpoints
  REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION journey_paths_mark_changed();
DROP TRIGGER IF EXISTS journey_paths_touchpoints_update ON touchpoints;
CREATE TRIGGER journey_paths_touchpoints_update AFTER UPDATE ON touchpoints
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION journey_paths_mark_updated();
DROP TRIGGER IF EXISTS journey_paths_touchpoints_truncate ON touchpoints;
CREATE TRIGGER journey_paths_touchpoints_truncate AFTER TRUNCATE ON touchpoints
  FOR EACH STATEMENT EXECUTE FUNCTION journey_paths_mark_all();
