-- Customer directory lookups (find_customers, get_customer_profile). Names are matched case-insensitively,
-- partially (LIKE '%..%') and by trigram similarity, all served by one GIN index on lower(name).
-- e-mail (lower) and phone are already indexed in 0001; orders (customer_id, ordered_at) too.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX IF NOT EXISTS customers_name_trgm_idx ON customers USING gin (lower(name) gin_trgm_ops);
-- Exact names and prefixes of 1-2 character queries (too short for trigrams); text_pattern_ops so LIKE 'x%' uses it
-- whatever the database collation.
CREATE INDEX IF NOT EXISTS customers_name_lower_idx ON customers (lower(name) text_pattern_ops);
-- Upper-cased external ids, so "cus-0000702" finds CUS-0000702 without a scan.
CREATE INDEX IF NOT EXISTS customers_external_id_upper_idx ON customers (upper(external_id));
-- Per-customer sections of the profile: tickets and NPS are indexed on customer_id in 0001; touches by
-- (customer_id, occurred_at) through the touchpoints natural key.
-- Statistics for the new expression indexes, so the planner estimates name matches instead of guessing.
ANALYZE customers;
