-- Ad reports' own conversion claims, exchange rates, and the original currency of converted orders.

-- What the ad platform's report claims for the campaign and day ("Conversions", "Results", 转化数 ...), kept on the
-- spend row: same grain and key as the report it comes from, and the platform is the campaign's channel's platform.
-- NULL means the report had no such column (not zero conversions).
ALTER TABLE ad_spend_daily ADD COLUMN IF NOT EXISTS claimed_conversions numeric CHECK (claimed_conversions >= 0);
ALTER TABLE ad_spend_daily ADD COLUMN IF NOT EXISTS claimed_value numeric(14,2) CHECK (claimed_value >= 0);

-- Exchange rates into a base currency (BEACON_CURRENCY): 1 unit of `currency` = rate_to_base units of the base.
-- A rate holds from valid_from until the next valid_from of the same pair (daily or monthly tables both work).
CREATE TABLE IF NOT EXISTS fx_rates (
  base_currency  text NOT NULL CHECK (base_currency ~ '^[A-Z]{3}$'),
  currency       text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  valid_from     date NOT NULL,
  rate_to_base   numeric(20,10) NOT NULL CHECK (rate_to_base > 0),
  source         text NOT NULL DEFAULT 'import',
  imported_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (base_currency, currency, valid_from),
  CHECK (currency <> base_currency)
);

-- Orders are stored in the base currency so every sum is in one currency; an order exported in another currency
-- keeps what it said (original_amount in original_currency) and the rate it was converted at.
ALTER TABLE orders ADD COLUMN IF NOT EXISTS original_currency text CHECK (original_currency ~ '^[A-Z]{3}$');
ALTER TABLE orders ADD COLUMN IF NOT EXISTS original_amount numeric(14,2);
ALTER TABLE orders ADD COLUMN IF NOT EXISTS fx_rate numeric(20,10);

-- Ad spend likewise: spend (and claimed_value) in the base currency, the report's own figure and rate kept.
ALTER TABLE ad_spend_daily ADD COLUMN IF NOT EXISTS original_currency text CHECK (original_currency ~ '^[A-Z]{3}$');
ALTER TABLE ad_spend_daily ADD COLUMN IF NOT EXISTS original_spend numeric(14,2);
ALTER TABLE ad_spend_daily ADD COLUMN IF NOT EXISTS fx_rate numeric(20,10);
