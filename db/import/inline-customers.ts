// Customers carried on the rows of order, touch and NPS files: the columns they come in (the customers importer's
// own fields, blank allowed), how a row names its customer (external id, else e-mail, else phone; the name only when
// the file has none of these), and the set-based SQL that finds, updates and creates them per batch, inside the
// import's transaction (a failed file leaves no customer behind).
import { customersImporter } from "./entities/customers.ts";
import { unknownCustomer } from "./entities/shared.ts";
import type { ImportSession, Located, RowProblem } from "./entity.ts";
import { blankAllowed, type RowOf } from "./fields.ts";
import { fingerprintOf, KeyValues } from "./key-set.ts";
import { timed } from "./timings.ts";

const base = customersImporter.fields;

/** The customer's own columns an order, touch or NPS file may carry (header match without a "customer" prefix). */
export const INLINE_CUSTOMER_FIELDS = {
  customer_name: blankAllowed(base.name, {
    required: false,
    aliases: [
      "customer name",
      "client name",
      "contact name",
      "full name",
      "buyer name",
      "billing name",
      "member name",
      "客户名称",
      "客户姓名",
      "姓名",
      "买家姓名",
      "会员姓名",
      "会员名称",
      "收货人/提货人",
      "收货人",
      "提货人",
    ],
    description:
      "The customer's name (customer columns create unknown customers and update known ones; a new customer without a name is named after its e-mail, phone or id).",
  }),
  customer_email: blankAllowed(base.email, {
    required: false,
    aliases: [
      "email",
      "e-mail",
      "email address",
      "e-mail address",
      "customer email",
      "buyer email",
      "billing email",
      "mail",
      "邮箱",
      "电子邮件",
      "电子邮箱",
      "客户邮箱",
      "买家邮箱",
    ],
    description:
      "The customer's e-mail; identifies the customer (case-insensitively) when the file has no customer id.",
  }),
  customer_phone: blankAllowed(base.phone, {
    required: false,
    aliases: [
      "phone",
      "mobile",
      "phone number",
      "mobile phone",
      "mobile number",
      "cellphone",
      "telephone",
      "tel",
      "customer phone",
      "buyer phone",
      "billing phone",
      "手机",
      "手机号",
      "手机号码",
      "电话",
      "联系电话",
      "客户手机",
      "客户电话",
      "买家手机号",
      "买家手机",
      "会员手机号",
    ],
    description:
      "The customer's phone (stored as digits with country code); identifies the customer when the file has neither customer id nor e-mail.",
  }),
  customer_country: blankAllowed(base.country, {
    required: false,
    aliases: ["country", "country/region", "customer country", "billing country", "国家", "国家/地区"],
    description: "The customer's country, as written.",
  }),
  customer_region: blankAllowed(base.region, {
    required: false,
    aliases: [
      "customer region",
      "province",
      "state/province",
      "billing province name",
      "billing province",
      "省份",
      "省",
      "客户省份",
      "所在省份",
      "收货人省份",
    ],
    description: "The customer's region, province or state, as written.",
  }),
  customer_city: blankAllowed(base.city, {
    required: false,
    aliases: ["city", "customer city", "billing city", "城市", "市", "客户城市", "所在城市", "收货人城市"],
    description: "The customer's city, as written.",
  }),
  customer_signup_date: blankAllowed(base.signup_date, {
    required: false,
    aliases: [
      "signup date",
      "sign up date",
      "signed up",
      "registration date",
      "registered at",
      "customer since",
      "join date",
      "first seen",
      "注册日期",
      "注册时间",
      "加入日期",
      "会员注册时间",
    ],
    description:
      "The customer's signup date; without it a new customer's signup date is its earliest date in the file.",
  }),
  customer_marketing_consent: blankAllowed(base.marketing_consent, {
    required: false,
    aliases: ["accepts marketing", "marketing consent", "email opt in", "opted in", "营销许可", "同意营销"],
    description: "May we send the customer marketing (yes/no, 是/否); blank keeps what is stored (new customers: no).",
  }),
};

/**
 * The customer columns for files where a bare "Name" can only be the person's (touches, survey answers); in order
 * exports it is not (Shopify's Name is the order number #1001).
 */
export const INLINE_CUSTOMER_FIELDS_WITH_NAME = {
  ...INLINE_CUSTOMER_FIELDS,
  customer_name: blankAllowed(INLINE_CUSTOMER_FIELDS.customer_name, {
    required: false,
    aliases: ["name", ...INLINE_CUSTOMER_FIELDS.customer_name.aliases],
  }),
};

/** The customer columns of a row (the id column is each entity's own `customer` field). */
export type CustomerCells = Partial<RowOf<typeof INLINE_CUSTOMER_FIELDS>> & { customer?: string | null };

/** How a row names its customer, in order of preference. */
export type KeyKind = "id" | "email" | "phone" | "name";

/** A customer as one row names it. */
export interface CustomerKey {
  kind: KeyKind;
  key: string;
}

const KIND_FIELD: Record<KeyKind, string> = {
  id: "customer",
  email: "customer_email",
  phone: "customer_phone",
  name: "customer_name",
};
const KIND_WORDS: Record<KeyKind, string> = { id: "customer id", email: "e-mail", phone: "phone", name: "name" };
/** External id prefix of customers created without one, so re-importing the same file finds them again. */
const CREATED_ID_PREFIX: Record<Exclude<KeyKind, "id">, string> = { email: "email:", phone: "phone:", name: "name:" };
/** The SQL expression a key of each kind is compared with (served by indexes of 0001/0002). */
const MATCH_EXPR: Record<KeyKind, string> = {
  id: "c.external_id",
  email: "lower(c.email)",
  phone: "c.phone",
  name: "lower(c.name)",
};
const TEMP_TABLE = "import_inline_customers";

/** One string per customer key, for maps. */
export function keyString(key: CustomerKey): string {
  return `${key.kind}\u0000${key.key}`;
}

/** Customers found (id) or refused (reason) for the keys of a batch. */
export interface Resolved {
  ids: Map<string, number>;
  refused: Map<string, string>;
}

/** A known customer a batch names: its id, what the batch says, its key string and the tag of those values. */
interface Known {
  id: number;
  p: Pending;
  k: string;
  tag: [number, number];
}

/** What a batch says about one customer: the last non-blank value of each column, and its earliest date. */
interface Pending {
  kind: KeyKind;
  key: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  country: string | null;
  region: string | null;
  city: string | null;
  signup: string | null;
  consent: boolean | null;
  firstAt: string;
}

const STATES = new WeakMap<ImportSession, InlineCustomers>();

/** Per-import matching rule and counts. */
export class InlineCustomers {
  /** Key columns the file has, in the order a row's customer is looked for. */
  readonly kinds: KeyKind[];
  /** Whether the file carries customer columns beyond the id, so unknown customers are created. */
  readonly creates: boolean;
  private readonly existing = new Map<KeyKind, number>();
  private readonly created = new Map<KeyKind, number>();
  private unnamed = 0;
  private shared = 0;
  /** Existing customers whose stored values a row of the file changed (counted once, at the end). */
  private changedExisting = 0;
  private tableReady = false;
  /**
   * The customers found or created so far, by key, with a tag of the values last written: a customer on many rows
   * (10 orders each) is looked up once, and rewritten only when a row brings values other than the last ones.
   */
  private readonly held = new KeyValues();
  /** Customers the last batch created (id -> key), so --skip-invalid can remove those no written row uses. */
  private lastCreated = new Map<number, Pending>();

  private constructor(present: ReadonlySet<string>) {
    const keyed = (["id", "email", "phone"] as const).filter((k) => present.has(KIND_FIELD[k]));
    this.kinds = keyed.length > 0 ? [...keyed] : present.has("customer_name") ? ["name"] : [];
    this.creates = Object.keys(INLINE_CUSTOMER_FIELDS).some((f) => present.has(f));
  }

  /** The state of this import (created on first use). */
  static of(session: ImportSession): InlineCustomers {
    let state = STATES.get(session);
    if (!state) {
      const created = new InlineCustomers(session.present);
      STATES.set(session, created);
      session.afterSkippingWrite = (table) => created.dropUnused(session, table);
      state = created;
    }
    return state;
  }

  /** The field a key kind is read from (for problems). */
  static fieldOf(kind: KeyKind): string {
    return KIND_FIELD[kind];
  }

  /** The customer a row names: its first non-blank key column, or null. */
  identify(row: CustomerCells): CustomerKey | null {
    for (const kind of this.kinds) {
      const key = normaliseKey(kind, row);
      if (key) return { kind, key };
    }
    return null;
  }

  /** The rule as the report states it. */
  matchedBy(): string {
    const rule = this.kinds
      .map((k) =>
        k === "email"
          ? "e-mail (case-insensitive)"
          : k === "name"
            ? "name (no id, e-mail or phone column)"
            : KIND_WORDS[k],
      )
      .join(", else ");
    return rule || "customer id";
  }

  /**
   * Finds the customers of a batch; when the file carries customer columns, updates the known ones and creates
   * the others. A few statements per batch whatever its size.
   */
  async resolve(
    items: readonly { key: CustomerKey; row: CustomerCells; at: string }[],
    session: ImportSession,
  ): Promise<Resolved> {
    const pending = collect(items);
    const resolved: Resolved = { ids: new Map(), refused: new Map() };
    this.lastCreated = new Map();
    if (pending.size === 0) return resolved;
    const known: Known[] = [];
    const misses: Pending[] = [];
    for (const [k, p] of pending) {
      const held = this.held.get(k);
      if (!held) {
        misses.push(p);
        continue;
      }
      resolved.ids.set(k, held.id);
      if (!this.creates) continue;
      const tag = valuesTag(p);
      // The same values as last written: nothing to update (nor to count again).
      if (tag[0] !== held.tagHigh || tag[1] !== held.tagLow) known.push({ id: held.id, p, k, tag });
    }
    const unknown: Pending[] = [];
    if (misses.length > 0) {
      const matches = await timed("customers: match", () => this.match(misses, session));
      for (const p of misses) {
        const k = keyString(p);
        const ids = matches.get(k) ?? [];
        if (ids.length > 1 && p.kind === "name") {
          resolved.refused.set(
            k,
            `${ids.length} customers are named "${p.name}"; the file has no customer id, e-mail or phone to tell them apart`,
          );
          continue;
        }
        if (ids.length > 1) this.shared++;
        const id = ids[0];
        if (id === undefined) unknown.push(p);
        else {
          resolved.ids.set(k, id);
          if (this.creates) known.push({ id, p, k, tag: valuesTag(p) });
          else this.held.set(k, id, [0, 0]);
        }
      }
    }
    if (!this.creates) return resolved;
    await this.ensureTable(session);
    await timed("customers: update known", () => this.update(known, session));
    for (const { id, k, tag } of known) this.held.set(k, id, tag);
    const created = await timed("customers: create", () => this.create(unknown, session));
    for (const [k, { id, p }] of created) {
      resolved.ids.set(k, id);
      this.held.set(k, id, valuesTag(p));
      this.lastCreated.set(id, p);
    }
    return resolved;
  }

  /**
   * --skip-invalid: removes the customers the last batch created that no written row of `table` names (their rows
   * were refused after the customers were made), so a partial load leaves no customer behind for a row it left out.
   */
  async dropUnused(session: ImportSession, table: string): Promise<void> {
    if (this.lastCreated.size === 0) return;
    const { rows } = await session.client.query<{ id: string }>(
      `WITH gone AS (
         DELETE FROM customers c WHERE c.id = ANY($1::bigint[])
           AND NOT EXISTS (SELECT 1 FROM ${table} x WHERE x.customer_id = c.id)
         RETURNING c.id)
       DELETE FROM ${TEMP_TABLE} s USING gone WHERE s.id = gone.id RETURNING s.id`,
      [[...this.lastCreated.keys()]],
    );
    for (const { id } of rows) {
      const p = this.lastCreated.get(Number(id));
      if (!p) continue;
      this.held.forget(keyString(p));
      this.created.set(p.kind, (this.created.get(p.kind) ?? 1) - 1);
      if (p.name === null) this.unnamed--;
    }
    this.lastCreated = new Map();
  }

  /** Existing customer ids per key (lowest id first), one query per key kind. */
  private async match(pending: Pending[], session: ImportSession): Promise<Map<string, number[]>> {
    const out = new Map<string, number[]>();
    for (const kind of new Set(pending.map((p) => p.kind))) {
      const keys = pending.filter((p) => p.kind === kind).map((p) => p.key);
      const prefix = kind === "id" ? "" : CREATED_ID_PREFIX[kind];
      // A join on the unnested keys (not "= ANY"), so each key is one index probe whatever the table's size.
      const byKey = `SELECT k.key, c.id FROM unnest($1::text[]) AS k(key) JOIN customers c ON ${MATCH_EXPR[kind]} = k.key`;
      const byCreatedId = `SELECT substr(c.external_id, ${prefix.length + 1}) AS key, c.id
         FROM unnest($2::text[]) AS k(external_id) JOIN customers c ON c.external_id = k.external_id`;
      const { rows } = await session.client.query<{ key: string; id: string }>(
        prefix ? `${byKey} UNION ${byCreatedId} ORDER BY id` : `${byKey} ORDER BY id`,
        prefix ? [keys, keys.map((k) => prefix + k)] : [keys],
      );
      for (const r of rows) {
        const k = keyString({ kind, key: r.key });
        const list = out.get(k);
        if (list) list.push(Number(r.id));
        else out.set(k, [Number(r.id)]);
      }
    }
    return out;
  }

  private async ensureTable(session: ImportSession): Promise<void> {
    if (this.tableReady) return;
    // Which customers this import created or matched: counts distinct customers across batches, and lets a created
    // customer's signup date move earlier when a later batch has an earlier order. Dropped with the transaction.
    await session.client.query(
      `CREATE TEMP TABLE IF NOT EXISTS ${TEMP_TABLE} (id bigint PRIMARY KEY, created boolean NOT NULL, kind text NOT NULL,
                                                       dated boolean NOT NULL DEFAULT false,
                                                       changed boolean NOT NULL DEFAULT false)
       ON COMMIT DROP`,
    );
    this.tableReady = true;
  }

  /**
   * Updates known customers with the file's non-blank values where one differs from the stored value (IS DISTINCT
   * FROM: a re-import rewrites nothing); counts each customer once per import, and whether any row changed it.
   */
  private async update(known: Known[], session: ImportSession): Promise<void> {
    if (known.length === 0) return;
    const byId = new Map<number, Pending>();
    for (const { id, p } of known) byId.set(id, merge(byId.get(id), p));
    const list = [...byId.entries()];
    const col = <T>(f: (p: Pending) => T) => list.map(([, p]) => f(p));
    const { rows } = await session.client.query<{ kind: KeyKind; n: number }>(
      `WITH input AS (
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                              $8::date[], $9::boolean[], $10::text[])
           AS u(id, name, email, phone, country, region, city, signup_date, consent, kind)
       ),
       changed AS (
         UPDATE customers c SET name = COALESCE(u.name, c.name), email = COALESCE(u.email, c.email),
                phone = COALESCE(u.phone, c.phone), country = COALESCE(u.country, c.country),
                region = COALESCE(u.region, c.region), city = COALESCE(u.city, c.city),
                signup_date = COALESCE(u.signup_date, c.signup_date),
                marketing_consent = COALESCE(u.consent, c.marketing_consent), updated_at = now()
         FROM input u
         WHERE c.id = u.id AND (c.name, c.email, c.phone, c.country, c.region, c.city, c.signup_date, c.marketing_consent)
               IS DISTINCT FROM (COALESCE(u.name, c.name), COALESCE(u.email, c.email), COALESCE(u.phone, c.phone),
                                 COALESCE(u.country, c.country), COALESCE(u.region, c.region), COALESCE(u.city, c.city),
                                 COALESCE(u.signup_date, c.signup_date), COALESCE(u.consent, c.marketing_consent))
         RETURNING c.id
       ),
       seen AS (
         INSERT INTO ${TEMP_TABLE} AS s (id, created, kind, dated, changed)
         SELECT u.id, false, u.kind, u.signup_date IS NOT NULL, u.id IN (SELECT id FROM changed) FROM input u
         ON CONFLICT (id) DO UPDATE SET dated = s.dated OR EXCLUDED.dated, changed = s.changed OR EXCLUDED.changed
         RETURNING s.kind, (s.xmax = 0) AS first
       )
       SELECT kind, count(*)::int AS n FROM seen WHERE first GROUP BY kind`,
      [
        list.map(([id]) => id),
        col((p) => p.name),
        col((p) => p.email),
        col((p) => p.phone),
        col((p) => p.country),
        col((p) => p.region),
        col((p) => p.city),
        col((p) => p.signup),
        col((p) => p.consent),
        col((p) => p.kind),
      ],
    );
    for (const r of rows) this.existing.set(r.kind, (this.existing.get(r.kind) ?? 0) + r.n);
  }

  /** Creates the unknown customers; returns their ids (and what created them) by key. */
  private async create(unknown: Pending[], session: ImportSession): Promise<Map<string, { id: number; p: Pending }>> {
    const out = new Map<string, { id: number; p: Pending }>();
    if (unknown.length === 0) return out;
    const externalIds = unknown.map((p) => (p.kind === "id" ? p.key : CREATED_ID_PREFIX[p.kind] + p.key));
    const { rows } = await session.client.query<{ id: string; external_id: string }>(
      `WITH input AS (
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                              $8::date[], $9::boolean[], $10::timestamptz[])
           AS u(external_id, name, email, phone, country, region, city, signup_date, consent, first_at)
       ),
       inserted AS (
         INSERT INTO customers (external_id, name, email, phone, country, region, city, signup_date, marketing_consent)
         SELECT external_id, name, email, phone, country, region, city,
                COALESCE(signup_date, (first_at AT TIME ZONE $11::text)::date), COALESCE(consent, false)
         FROM input
         RETURNING id, external_id
       ),
       recorded AS (
         INSERT INTO ${TEMP_TABLE} (id, created, kind, dated)
         SELECT i.id, true, '', u.signup_date IS NOT NULL FROM inserted i JOIN input u USING (external_id)
       )
       SELECT id, external_id FROM inserted`,
      [
        externalIds,
        unknown.map((p) => p.name ?? fallbackName(p)),
        unknown.map((p) => p.email),
        unknown.map((p) => p.phone),
        unknown.map((p) => p.country),
        unknown.map((p) => p.region),
        unknown.map((p) => p.city),
        unknown.map((p) => p.signup),
        unknown.map((p) => p.consent),
        unknown.map((p) => p.firstAt),
        session.context.timezone,
      ],
    );
    const idOf = new Map(rows.map((r) => [r.external_id, Number(r.id)]));
    unknown.forEach((p, i) => {
      const id = idOf.get(externalIds[i] ?? "");
      if (id === undefined) return;
      out.set(keyString(p), { id, p });
      this.created.set(p.kind, (this.created.get(p.kind) ?? 0) + 1);
      if (p.name === null) this.unnamed++;
    });
    return out;
  }

  /**
   * Moves each created customer without a signup date in the file to its earliest row of the file (`table`.`timeColumn`), once at the
   * end: a batch only knows its own rows, and exports are often newest first. Every row of a created customer is
   * from this file, so one aggregate over the table finds it.
   */
  async settleSignupDates(session: ImportSession, table: string, timeColumn: string): Promise<void> {
    if (!this.tableReady) return;
    const { rows } = await session.client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${TEMP_TABLE} WHERE changed AND NOT created`,
    );
    this.changedExisting = rows[0]?.n ?? 0;
    await session.client.query(
      // One min() per customer: an index probe on (customer_id, time) instead of grouping every row of the file.
      `UPDATE customers c SET signup_date = f.first_day, updated_at = now()
       FROM (SELECT s.id, ((SELECT min(x.${timeColumn}) FROM ${table} x WHERE x.customer_id = s.id)
                           AT TIME ZONE $1::text)::date AS first_day
             FROM ${TEMP_TABLE} s WHERE s.created AND NOT s.dated) f
       WHERE c.id = f.id AND c.signup_date > f.first_day`,
      [session.context.timezone],
    );
  }

  /** Puts the counts on the session (for the report) and states the rule in the notes. */
  report(session: ImportSession): void {
    if (!this.creates) return;
    const sum = (m: Map<KeyKind, number>) => [...m.values()].reduce((a, b) => a + b, 0);
    session.customers = { created: sum(this.created), updated: sum(this.existing), matchedBy: this.matchedBy() };
    for (const kind of this.kinds) {
      const existing = this.existing.get(kind) ?? 0;
      const created = this.created.get(kind) ?? 0;
      if (existing + created === 0 && kind !== this.kinds[0]) continue;
      session.note(`customers matched by ${KIND_WORDS[kind]}: ${existing} existing, ${created} created`);
    }
    const existing = sum(this.existing);
    if (existing > 0) {
      session.note(
        this.changedExisting === 0
          ? `existing customers: none changed (all ${existing} already had the file's values; nothing rewritten)`
          : `existing customers: ${this.changedExisting} of ${existing} changed by the file, the others already had its values`,
      );
    }
    if (this.unnamed > 0) {
      session.note(
        `${this.unnamed} new customer(s) had no name in the file and are named after their e-mail, phone or id`,
      );
    }
    if (this.shared > 0) {
      session.note(
        `${this.shared} e-mail address(es) or phone number(s) belong to several customers; the oldest was used`,
      );
    }
  }
}

/** The normalised key of one kind in a row, or null when the cell is blank. */
function normaliseKey(kind: KeyKind, row: CustomerCells): string | null {
  switch (kind) {
    case "id":
      return row.customer?.trim() || null;
    case "email":
      return row.customer_email?.trim().toLowerCase() || null;
    case "phone":
      return row.customer_phone || null;
    case "name":
      return row.customer_name?.normalize("NFKC").trim().replace(/\s+/g, " ").toLowerCase() || null;
  }
}

/** One pending customer per key: the last non-blank value of each column, the earliest date. */
function collect(items: readonly { key: CustomerKey; row: CustomerCells; at: string }[]): Map<string, Pending> {
  const out = new Map<string, Pending>();
  for (const { key, row, at } of items) {
    const k = keyString(key);
    const p = out.get(k);
    if (!p) {
      out.set(k, {
        kind: key.kind,
        key: key.key,
        name: row.customer_name ?? null,
        email: row.customer_email ?? null,
        phone: row.customer_phone ?? null,
        country: row.customer_country ?? null,
        region: row.customer_region ?? null,
        city: row.customer_city ?? null,
        signup: row.customer_signup_date ?? null,
        consent: row.customer_marketing_consent ?? null,
        firstAt: at,
      });
      continue;
    }
    // In place (a customer with many rows in a batch is common): later non-blank values win.
    p.name = row.customer_name ?? p.name;
    p.email = row.customer_email ?? p.email;
    p.phone = row.customer_phone ?? p.phone;
    p.country = row.customer_country ?? p.country;
    p.region = row.customer_region ?? p.region;
    p.city = row.customer_city ?? p.city;
    p.signup = row.customer_signup_date ?? p.signup;
    p.consent = row.customer_marketing_consent ?? p.consent;
    if (at < p.firstAt) p.firstAt = at;
  }
  return out;
}

/** `later`'s non-blank values over `earlier`'s; the earlier of the two first dates (ISO UTC strings sort by time). */
function merge(earlier: Pending | undefined, later: Pending): Pending {
  if (!earlier) return later;
  return {
    kind: earlier.kind,
    key: earlier.key,
    name: later.name ?? earlier.name,
    email: later.email ?? earlier.email,
    phone: later.phone ?? earlier.phone,
    country: later.country ?? earlier.country,
    region: later.region ?? earlier.region,
    city: later.city ?? earlier.city,
    signup: later.signup ?? earlier.signup,
    consent: later.consent ?? earlier.consent,
    firstAt: later.firstAt < earlier.firstAt ? later.firstAt : earlier.firstAt,
  };
}

/** A fingerprint of the values a row writes to its customer (blank and empty told apart). */
function valuesTag(p: Pending): [number, number] {
  const cell = (v: string | boolean | null) => (v === null ? "\u0002" : String(v));
  return fingerprintOf(
    [p.name, p.email, p.phone, p.country, p.region, p.city, p.signup, p.consent].map(cell).join("\u0001"),
  );
}

/** The name of a new customer the file gives none for: its e-mail, else its phone, else its id. */
function fallbackName(p: Pending): string {
  if (p.email) return p.email;
  if (p.phone) return `+${p.phone}`;
  return p.key;
}

/** The problem of a row (or order) that names no customer. */
export function noCustomerProblem(customers: InlineCustomers, line: number, suffix = ""): RowProblem {
  const [kind] = customers.kinds;
  const field = InlineCustomers.fieldOf(kind ?? "id");
  if (customers.kinds.length <= 1) return { line, field, reason: `is required but empty${suffix}` };
  const columns = customers.kinds.map((k) => InlineCustomers.fieldOf(k)).join(", ");
  return { line, field, reason: `names no customer (${columns} all empty)${suffix}` };
}

/** What happens to a row whose customer is not found (and not created: the file has only the id column). */
export type UnknownCustomer = "problem" | "none";

/**
 * The customer id of each row of a batch in files with one customer per row (touchpoints, NPS): null when the row
 * names none (a problem when `required`), problems for unknown or ambiguous customers.
 */
export async function rowCustomers<R extends CustomerCells>(
  rows: readonly Located<R>[],
  at: (row: R) => string,
  session: ImportSession,
  options: { required: boolean; unknown: UnknownCustomer },
): Promise<{ ids: Map<number, number | null>; problems: RowProblem[] }> {
  const customers = InlineCustomers.of(session);
  const keyed: { line: number; key: CustomerKey; row: R }[] = [];
  const ids = new Map<number, number | null>();
  const problems: RowProblem[] = [];
  for (const { line, value } of rows) {
    const key = customers.identify(value);
    if (key) keyed.push({ line, key, row: value });
    else if (options.required) problems.push(noCustomerProblem(customers, line));
    else ids.set(line, null);
  }
  const resolved = await customers.resolve(
    keyed.map(({ key, row }) => ({ key, row, at: at(row) })),
    session,
  );
  for (const { line, key } of keyed) {
    const k = keyString(key);
    const id = resolved.ids.get(k);
    const refused = resolved.refused.get(k);
    if (id !== undefined) ids.set(line, id);
    else if (refused) problems.push({ line, field: InlineCustomers.fieldOf(key.kind), reason: refused });
    else if (options.unknown === "problem") problems.push(unknownCustomer(line, "customer", key.key));
    else {
      ids.set(line, null);
      session.tally("unknown customer, stored without one");
    }
  }
  return { ids, problems };
}
