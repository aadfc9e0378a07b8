import { createHash } from "node:crypto";
import { z } from "zod";
import { channelIdFor } from "../known-values.ts";
import { IsoDate } from "../period.ts";
import { maskContact, maskingNote } from "../pii.ts";
import { defineTool, ROLES, type ToolContext, ToolInputError } from "../tool.ts";
import {
  type CustomerFilter,
  countCustomers,
  fetchCustomerPage,
  fetchPlaces,
  MATCH_REASONS,
  type SearchTerms,
} from "./find-customers.queries.ts";
import { describeThresholds, fetchTierThresholds } from "./value-tier.queries.ts";

export const FindCustomersInput = z
  .object({
    query: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .optional()
      .describe(
        "Text to search: a name (English or Chinese, partial, any case, full- or half-width), an e-mail, a phone in any " +
          'format ("+86 138 0013 8000", "13800138000") or a customer external id (CUS-0000702). Omit to list by filters only.',
      ),
    region: z.string().min(1).optional().describe("Only customers in this region, e.g. East China."),
    city: z.string().min(1).optional().describe("Only customers in this city, e.g. Shanghai."),
    acquisition_channel: z
      .string()
      .min(1)
      .optional()
      .describe("Only customers acquired through this channel code (see list_channels), e.g. douyin_ads."),
    signup_from: IsoDate.optional().describe("Only customers who signed up on or after this day (YYYY-MM-DD)."),
    signup_to: IsoDate.optional().describe("Only customers who signed up on or before this day (YYYY-MM-DD)."),
    value_tier: z
      .enum(["high", "mid", "low"])
      .optional()
      .describe(
        "Only this value tier (Pareto cut of trailing-12-month revenue: top 80% of revenue = high, next 15% mid).",
      ),
    limit: z.number().int().min(1).max(50).default(10).describe("Rows per page, 1-50 (default 10)."),
    cursor: z
      .string()
      .min(1)
      .optional()
      .describe("next_cursor from a previous find_customers answer with the same search, to get the next page."),
  })
  .strict();
type FindCustomersInput = z.output<typeof FindCustomersInput>;

/** Similar names are searched only when exact and partial matching find fewer than this many customers. */
const FUZZY_BELOW = 10;

const RANKING =
  "Matches ranked: external id exact, email exact, phone exact (digits compared with country code), name exact, name partial " +
  "(contains the text; starts with it for 1-2 character searches), name similar (pg_trgm similarity >= 0.3, searches of 3+ characters, only looked for when fewer than " +
  `${FUZZY_BELOW} customers match otherwise: for a typo, not to add thousands of look-alikes to a common name); ties by customer id. ` +
  "Names compare case-insensitively after NFKC normalisation of the search text (full-width letters match half-width).";

/** Splits the search text into what it could be: external id, e-mail, phone, name. */
export function searchTerms(query: string): SearchTerms {
  const text = query.normalize("NFKC").trim().replace(/\s+/g, " ");
  const lower = text.toLowerCase();
  const terms: SearchTerms = { externalIds: [], email: null, phones: [], name: null, namePattern: null, fuzzy: false };
  if (/^[A-Za-z0-9_-]+$/.test(text)) terms.externalIds = [text.toUpperCase()];
  if (text.includes("@")) {
    terms.email = lower;
    return terms;
  }
  const compact = text.replace(/[\s().+-]/g, "");
  if (/^\d{7,15}$/.test(compact)) {
    const digits = compact.startsWith("00") ? compact.slice(2) : compact;
    terms.phones = [digits];
    // A Chinese mobile written without the country code (11 digits starting with 1).
    if (/^1\d{10}$/.test(digits)) terms.phones.push(`86${digits}`);
    if (/^0\d{9,11}$/.test(digits)) terms.phones.push(`86${digits.slice(1)}`);
  }
  // Names hold no digits: a text with digits is an id or a phone.
  if (/\p{L}/u.test(text) && !/\d/.test(text)) {
    terms.name = lower;
    const escaped = lower.replace(/[\\%_]/g, (c) => `\\${c}`);
    // Trigrams need 3 characters; shorter texts match as a name prefix through the btree index.
    terms.namePattern = [...lower].length >= 3 ? `%${escaped}%` : `${escaped}%`;
  }
  return terms;
}

interface Cursor {
  rank: number;
  id: number;
}

// The cursor carries the last row's (rank, id) and a fingerprint of the search it belongs to.
function encodeCursor(cursor: Cursor, fingerprint: string): string {
  return Buffer.from(JSON.stringify({ r: cursor.rank, i: cursor.id, f: fingerprint })).toString("base64url");
}

function decodeCursor(text: string, fingerprint: string): Cursor {
  const bad = new ToolInputError(
    "cursor: not a cursor returned by find_customers; pass next_cursor from the previous answer unchanged, or omit it for the first page",
  );
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch {
    throw bad;
  }
  const parsed = z
    .object({ r: z.number().int().min(0).max(6), i: z.number().int().min(0), f: z.string() })
    .strict()
    .safeParse(value);
  if (!parsed.success) throw bad;
  if (parsed.data.f !== fingerprint) {
    throw new ToolInputError(
      "cursor: this cursor belongs to a different search; repeat the same query and filters, or omit cursor to start over",
    );
  }
  return { rank: parsed.data.r, id: parsed.data.i };
}

function fingerprintOf(input: FindCustomersInput): string {
  const { cursor: _cursor, limit: _limit, ...search } = input;
  const normalised = { ...search, query: search.query?.normalize("NFKC").trim().toLowerCase() };
  return createHash("sha256").update(JSON.stringify(normalised)).digest("base64url").slice(0, 12);
}

async function buildFilter(input: FindCustomersInput, context: ToolContext): Promise<CustomerFilter> {
  if (input.signup_from && input.signup_to && input.signup_to < input.signup_from) {
    throw new ToolInputError(
      `signup_to (${input.signup_to}) is before signup_from (${input.signup_from}); give signup_to on or after signup_from`,
    );
  }
  const channelId =
    input.acquisition_channel === undefined
      ? null
      : await channelIdFor(context.db, "acquisition_channel", input.acquisition_channel);
  if (input.region !== undefined || input.city !== undefined) {
    const places = await fetchPlaces(context.db);
    const known = (list: string[], value: string) => list.some((v) => v.toLowerCase() === value.toLowerCase());
    if (input.region !== undefined && !known(places.regions, input.region)) {
      throw new ToolInputError(`region: unknown region "${input.region}"; known: ${places.regions.join(", ")}`);
    }
    if (input.city !== undefined && !known(places.cities, input.city)) {
      throw new ToolInputError(`city: unknown city "${input.city}"; known: ${places.cities.join(", ")}`);
    }
  }
  return {
    terms: input.query === undefined ? null : searchTerms(input.query),
    region: input.region ?? null,
    city: input.city ?? null,
    channelId,
    signupFrom: input.signup_from ?? null,
    signupTo: input.signup_to ?? null,
    tier: input.value_tier ?? null,
    thresholds: await fetchTierThresholds(context.db, context),
    timezone: context.timezone,
  };
}

/** Customer search: the lookup every persona makes before any analysis. */
export const findCustomersTool = defineTool({
  name: "find_customers",
  description:
    "Finds customers by name (English or Chinese, partial or similar), e-mail, phone (any format), external id, region, city, " +
    "acquisition channel, signup window and value tier. Returns ranked matches with the reason each matched, the total count, " +
    "and a cursor for the next page. Each row carries id and external_id for get_customer_profile. Contact details are masked " +
    "for roles without personal-data access.",
  input: FindCustomersInput,
  roles: ROLES,
  access: "read",
  async run(input, context) {
    const fingerprint = fingerprintOf(input);
    const after = input.cursor === undefined ? null : decodeCursor(input.cursor, fingerprint);
    const filter = await buildFilter(input, context);
    // One row more than asked tells whether another page exists.
    let page = await fetchCustomerPage(context.db, filter, after, input.limit + 1);
    let total = page.total ?? (await countCustomers(context.db, filter));
    // The decision depends only on the search and the data, so every page of one search makes the same one.
    if (filter.terms?.name && total < FUZZY_BELOW) {
      filter.terms.fuzzy = true;
      page = await fetchCustomerPage(context.db, filter, after, input.limit + 1);
      total = page.total ?? (await countCustomers(context.db, filter));
    }
    const fetched = page.rows;
    const rows = fetched.slice(0, input.limit);
    const last = rows.at(-1);
    const nextCursor =
      last !== undefined && fetched.length > input.limit
        ? encodeCursor({ rank: last.rank, id: last.id }, fingerprint)
        : null;
    const customers = rows.map((row) => {
      const { rank, ...rest } = maskContact(row, context.caller);
      return { ...rest, match: MATCH_REASONS[rank] };
    });
    const what = input.query === undefined ? "customers match the filters" : `customers match "${input.query}"`;
    const summary =
      total === 0
        ? `No ${what.replace(/^customers /, "customer ")}.`
        : `${total.toLocaleString("en-US")} ${total === 1 ? what.replace("customers match", "customer matches") : what}; showing ${customers.length}` +
          (after === null ? "" : " more") +
          (nextCursor === null ? "." : " (pass next_cursor for the next page).");
    return {
      summary,
      total,
      returned: customers.length,
      limit: input.limit,
      next_cursor: nextCursor,
      customers,
      definitions: {
        ranking: RANKING,
        value_tier: describeThresholds(filter.thresholds),
        revenue_12m: `Revenue of the customer's orders in the tier window, ${context.currency}.`,
        masking: maskingNote(context.caller),
      },
    };
  },
});
