// Who a ticket is about: a customer id, external id, e-mail, phone (any format) or name, resolved with the same
// matching find_customers uses, so a ticket and a search never disagree about who "13800138000" is.
import type { Queryable } from "../../db/pool.ts";
import { fetchIdentity } from "../customer-profile/customer-profile.queries.ts";
import { fetchCustomerPage, MATCH_REASONS, type MatchRank } from "../find-customers/find-customers.queries.ts";
import { searchTerms } from "../find-customers/find-customers.tool.ts";
import type { TierThresholds } from "../find-customers/value-tier.queries.ts";
import { maskContact } from "../pii.ts";
import { type Caller, ToolInputError } from "../tool.ts";
import type { Tier } from "./ticket-enums.ts";
import { fetchCustomerTiers } from "./tickets.queries.ts";

export interface MatchedCustomer {
  id: number;
  external_id: string;
  name: string;
  email: string | null;
  phone: string | null;
  city: string | null;
  value_tier: Tier;
}

export type CustomerResolution =
  | { kind: "found"; customer: MatchedCustomer; matched_by: string }
  | { kind: "ambiguous"; candidates: (MatchedCustomer & { match: string })[]; total: number }
  | { kind: "unknown"; text: string };

/** Most candidates listed when a text matches several customers. */
const MAX_CANDIDATES = 10;

/**
 * Resolves `customer`: a number (or a string of up to 6 digits) is a customer id and must exist; any other text is
 * searched. One best match by external id, e-mail, phone or exact name resolves it; several equally good matches, or
 * only partial / similar names, come back as candidates; no match at all means an unknown customer.
 */
export async function resolveCustomer(
  db: Queryable,
  customer: number | string,
  thresholds: TierThresholds,
  timezone: string,
): Promise<CustomerResolution> {
  const asId =
    typeof customer === "number" ? customer : /^\d{1,6}$/.test(customer.trim()) ? Number(customer.trim()) : null;
  if (asId !== null) {
    const identity = await fetchIdentity(db, { id: asId });
    if (identity === null) {
      throw new ToolInputError(
        `customer: no customer with id ${asId}; give an existing id, an external id, e-mail, phone or name (find_customers looks customers up)`,
      );
    }
    const tiers = await fetchCustomerTiers(db, [identity.id], thresholds, timezone);
    return {
      kind: "found",
      matched_by: "customer id",
      customer: { ...identity, value_tier: tiers.get(identity.id) ?? "low" },
    };
  }
  const text = String(customer).trim();
  const base = {
    region: null,
    city: null,
    channelId: null,
    signupFrom: null,
    signupTo: null,
    tier: null,
    thresholds,
    timezone,
  };
  const terms = searchTerms(text);
  let page = await fetchCustomerPage(db, { ...base, terms }, null, MAX_CANDIDATES);
  // A misspelt name: similar names are offered as candidates, never picked silently.
  if (page.rows.length === 0 && terms.name !== null) {
    page = await fetchCustomerPage(db, { ...base, terms: { ...terms, fuzzy: true } }, null, MAX_CANDIDATES);
  }
  const rows = page.rows;
  const first = rows[0];
  if (first === undefined) return { kind: "unknown", text };
  const best = rows.filter((r) => r.rank === first.rank);
  const asMatched = (r: (typeof rows)[number]): MatchedCustomer => ({
    id: r.id,
    external_id: r.external_id,
    name: r.name,
    email: r.email,
    phone: r.phone,
    city: r.city,
    value_tier: r.value_tier,
  });
  // Ranks 1-4: external id, e-mail, phone, exact name; 5-6 (partial, similar) always need a person's confirmation.
  if (first.rank <= 4 && best.length === 1) {
    return { kind: "found", customer: asMatched(first), matched_by: MATCH_REASONS[first.rank as MatchRank] };
  }
  const candidates = (first.rank <= 4 ? best : rows).map((r) => ({
    ...asMatched(r),
    match: MATCH_REASONS[r.rank as MatchRank],
  }));
  return { kind: "ambiguous", candidates, total: page.total ?? candidates.length };
}

/** Candidates as a caller may see them (contact details masked without personal-data access). */
export function visibleCandidates<T extends MatchedCustomer>(candidates: readonly T[], caller: Caller): T[] {
  return candidates.map((c) => maskContact(c, caller));
}
