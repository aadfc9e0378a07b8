import type { Queryable } from "../../db/pool.ts";
import { revenueSql, type TierThresholds, tierSql } from "./value-tier.queries.ts";

/** Why a customer matched, best first; the number is the rank the results are ordered by. */
export const MATCH_REASONS = {
  0: "matches the filters",
  1: "external id exact",
  2: "email exact",
  3: "phone exact",
  4: "name exact",
  5: "name partial",
  6: "name similar",
} as const;
export type MatchRank = keyof typeof MATCH_REASONS;

export interface SearchTerms {
  /** Upper-cased candidate external ids. */
  externalIds: string[];
  /** Lower-cased e-mail. */
  email: string | null;
  /** Digits-only phone candidates (with country code). */
  phones: string[];
  /** Lower-cased, NFKC-normalised name text. */
  name: string | null;
  /** LIKE pattern for partial names (already escaped). */
  namePattern: string | null;
  /** Also look for similar names (trigram similarity); the tool turns it on only when few names match otherwise. */
  fuzzy: boolean;
}

export interface CustomerFilter {
  terms: SearchTerms | null;
  region: string | null;
  city: string | null;
  channelId: number | null;
  signupFrom: string | null;
  signupTo: string | null;
  tier: "high" | "mid" | "low" | null;
  thresholds: TierThresholds;
  timezone: string;
}

/** Collects parameters and hands back their placeholders, so the SQL text only ever holds constants. */
class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

// The matching customers with their best rank, as a CTE named f (columns: all of customers + rank).
function matchesCte(f: CustomerFilter, p: Params): string {
  const where: string[] = [];
  if (f.region !== null) where.push(`lower(c.region) = lower(${p.add(f.region)})`);
  if (f.city !== null) where.push(`lower(c.city) = lower(${p.add(f.city)})`);
  if (f.channelId !== null) where.push(`c.acquisition_channel_id = ${p.add(f.channelId)}`);
  if (f.signupFrom !== null) where.push(`c.signup_date >= ${p.add(f.signupFrom)}::date`);
  if (f.signupTo !== null) where.push(`c.signup_date <= ${p.add(f.signupTo)}::date`);
  if (f.tier !== null) {
    const t = f.thresholds;
    const revenue = revenueSql("c.id", p.add(t.since), p.add(t.until), p.add(f.timezone));
    where.push(`${tierSql(revenue, p.add(t.highMin), p.add(t.midMin))} = ${p.add(f.tier)}`);
  }
  const filters = where.length > 0 ? where.join(" AND ") : "true";
  const terms = f.terms;
  if (terms === null) return `f AS (SELECT c.*, 0 AS rank FROM customers c WHERE ${filters})`;
  const branches: string[] = [];
  if (terms.externalIds.length > 0) {
    branches.push(
      `SELECT id, 1 AS rank FROM customers WHERE upper(external_id) = ANY(${p.add(terms.externalIds)}::text[])`,
    );
  }
  if (terms.email !== null)
    branches.push(`SELECT id, 2 AS rank FROM customers WHERE lower(email) = ${p.add(terms.email)}`);
  if (terms.phones.length > 0)
    branches.push(`SELECT id, 3 AS rank FROM customers WHERE phone = ANY(${p.add(terms.phones)}::text[])`);
  if (terms.name !== null) {
    const name = p.add(terms.name);
    branches.push(`SELECT id, 4 AS rank FROM customers WHERE lower(name) = ${name}`);
    if (terms.namePattern !== null) {
      branches.push(`SELECT id, 5 AS rank FROM customers WHERE lower(name) LIKE ${p.add(terms.namePattern)}`);
    }
    // pg_trgm's % operator: similarity above pg_trgm.similarity_threshold (0.3 by default), served by the GIN index.
    // Texts under 3 characters share a trigram with every name of the same surname: partial matching covers them.
    if (terms.fuzzy && [...terms.name].length >= 3)
      branches.push(`SELECT id, 6 AS rank FROM customers WHERE lower(name) % ${name}`);
  }
  if (branches.length === 0) branches.push("SELECT id, 0 AS rank FROM customers WHERE false");
  return `m AS (SELECT id, min(rank) AS rank FROM (${branches.join(" UNION ALL ")}) u GROUP BY id),
    f AS (SELECT c.*, m.rank FROM m JOIN customers c ON c.id = m.id WHERE ${filters})`;
}

/** How many customers match, whatever page is asked for. */
export async function countCustomers(db: Queryable, f: CustomerFilter): Promise<number> {
  const p = new Params();
  const sql = `WITH ${matchesCte(f, p)} SELECT count(*)::int AS n FROM f`;
  const { rows } = await db.query<{ n: number }>(sql, p.values);
  return rows[0]?.n ?? 0;
}

/** A customer's identity and contact columns, as the directory tools read them (acquisition channel by code). */
export interface CustomerIdentity {
  id: number;
  external_id: string;
  name: string;
  email: string | null;
  phone: string | null;
  country: string | null;
  region: string | null;
  city: string | null;
  signup_date: string;
  acquisition_channel: string | null;
}

export interface CustomerRow extends CustomerIdentity {
  revenue_12m: number;
  value_tier: "high" | "mid" | "low";
  rank: MatchRank;
}

/**
 * One page of matches ordered by (rank, id), strictly after the cursor position. With a search text the matches are
 * few enough to count in the same pass (`total`, null when the page is empty); filter-only listings are paged by an
 * index range scan and counted separately (countCustomers).
 */
export async function fetchCustomerPage(
  db: Queryable,
  f: CustomerFilter,
  after: { rank: number; id: number } | null,
  limit: number,
): Promise<{ rows: CustomerRow[]; total: number | null }> {
  const p = new Params();
  const cte = matchesCte(f, p);
  // Without a search text every rank is 0, so the keyset is the primary key alone (an index range scan).
  const keyset =
    after === null
      ? "true"
      : f.terms === null
        ? `f.id > ${p.add(after.id)}`
        : `(f.rank, f.id) > (${p.add(after.rank)}::int, ${p.add(after.id)}::bigint)`;
  const t = f.thresholds;
  const revenue = revenueSql("pg.id", p.add(t.since), p.add(t.until), p.add(f.timezone));
  const sql = `WITH ${cte}
    SELECT pg.id, pg.external_id, pg.name, pg.email, pg.phone, pg.country, pg.region, pg.city, pg.signup_date,
           ch.code AS acquisition_channel, r.revenue AS revenue_12m,
           ${tierSql("r.revenue", p.add(t.highMin), p.add(t.midMin))} AS value_tier, pg.rank
           ${f.terms === null ? "" : ", pg.total::int AS total"}
    FROM (SELECT * FROM ${f.terms === null ? "f" : "(SELECT f.*, count(*) OVER () AS total FROM f) f"}
          WHERE ${keyset} ORDER BY f.rank, f.id LIMIT ${p.add(limit)}) pg
    LEFT JOIN channels ch ON ch.id = pg.acquisition_channel_id
    CROSS JOIN LATERAL (SELECT ${revenue} AS revenue) r
    ORDER BY pg.rank, pg.id`;
  const { rows } = await db.query<CustomerRow & { total?: number }>(sql, p.values);
  const total = f.terms === null ? null : (rows[0]?.total ?? null);
  return { rows: rows.map(({ total: _, ...row }) => row), total };
}

/** Known regions and cities, for validating filters and listing what exists in errors. */
export async function fetchPlaces(db: Queryable): Promise<{ regions: string[]; cities: string[] }> {
  const { rows } = await db.query<{ region: string; city: string | null }>(
    "SELECT DISTINCT region, city FROM customers WHERE region IS NOT NULL ORDER BY 1, 2",
  );
  return {
    regions: [...new Set(rows.map((r) => r.region))],
    cities: [...new Set(rows.map((r) => r.city).filter((c): c is string => c !== null))].sort(),
  };
}
