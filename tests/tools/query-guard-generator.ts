// Random reporting queries that mix allowed views and forbidden relations in nested scopes (subqueries, WITH
// names that shadow views or catalog tables, joins, UNION, LATERAL, ANY sublinks). Shared by the property test and
// `beacon bench --only guard`.
import fc from "fast-check";

/** Names the guard allows: reporting views, qualified or resolved through search_path = reporting. */
export const ALLOWED_RELATIONS = ["orders", "reporting.orders", "channels", "reporting.campaigns", "customers"];

/** Names that read something else: catalog tables and views, raw tables, information_schema. */
export const FORBIDDEN_RELATIONS = [
  "pg_class",
  "pg_catalog.pg_proc",
  "pg_roles",
  "pg_settings",
  "pg_stat_activity",
  "public.customers",
  "public.orders",
  "information_schema.schemata",
];

/** WITH names: some shadow catalog relations or views, some are plain. */
export const CTE_NAMES = ["pg_settings", "pg_class", "pg_roles", "orders", "x", "y"];

/**
 * Every SELECT the generator writes returns one integer column n, so any two can be UNIONed. It is a constant,
 * not count(*): the planner drops an ungrouped aggregate subquery whose output is unused, and with it the
 * relations it would read; a row per input row keeps every relation in the plan.
 */
interface Ctx {
  visible: readonly string[];
  depth: number;
}

const leafName = (ctx: Ctx): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...ALLOWED_RELATIONS) },
    { weight: 1, arbitrary: fc.constantFrom(...FORBIDDEN_RELATIONS) },
    // A WITH name whether or not it is visible here: invisible ones are the scoping attack.
    { weight: 1, arbitrary: fc.constantFrom(...CTE_NAMES) },
    ...(ctx.visible.length > 0 ? [{ weight: 4, arbitrary: fc.constantFrom(...ctx.visible) }] : []),
  );

let alias = 0;
/** Aliases only need to differ within one query; a counter keeps them distinct. */
const nextAlias = (): string => `t${alias++}`;

/** `arb` in `present` cases out of `present + absent`, else null. */
function sometimes<T>(arb: fc.Arbitrary<T>, present: number, absent: number): fc.Arbitrary<T | null> {
  return fc.oneof({ weight: absent, arbitrary: fc.constant(null) }, { weight: present, arbitrary: arb });
}

/** A FROM item: a relation name or a parenthesised subquery, always aliased. */
function fromItem(ctx: Ctx): fc.Arbitrary<string> {
  const leaf = leafName(ctx).map((name) => `${name} ${nextAlias()}`);
  if (ctx.depth <= 0) return leaf;
  return fc.oneof(
    { weight: 4, arbitrary: leaf },
    { weight: 1, arbitrary: select({ ...ctx, depth: ctx.depth - 1 }).map((sql) => `(${sql}) ${nextAlias()}`) },
  );
}

/** How a further FROM item joins the previous ones. Inner joins only: the planner may drop an unused LEFT JOIN. */
function joined(ctx: Ctx): fc.Arbitrary<string> {
  const lateral = select({ ...ctx, depth: Math.max(0, ctx.depth - 1) }).map(
    (sql) => ` CROSS JOIN LATERAL (${sql}) ${nextAlias()}`,
  );
  return fc.oneof(
    fromItem(ctx).map((item) => `, ${item}`),
    fromItem(ctx).map((item) => ` JOIN ${item} ON true`),
    lateral,
  );
}

/** A CTE body; in a RECURSIVE WITH it refers to itself the one way PostgreSQL accepts. */
function cteBody(ctx: Ctx, name: string, recursive: boolean): fc.Arbitrary<string> {
  if (recursive) {
    return fc.constant(`SELECT 1 AS n UNION ALL SELECT n + 1 FROM ${name} WHERE n < 2`);
  }
  return select({ ...ctx, depth: Math.max(0, ctx.depth - 1) });
}

/** A WITH clause and the names it adds; later CTEs see the earlier ones (all of them when RECURSIVE). */
function withClause(ctx: Ctx): fc.Arbitrary<{ sql: string; names: string[] }> {
  return fc
    .record({
      names: fc.uniqueArray(fc.constantFrom(...CTE_NAMES), { minLength: 1, maxLength: 2 }),
      recursive: fc.integer({ min: 0, max: 5 }).map((i) => i === 0),
    })
    .chain(({ names, recursive }) => {
      const bodies = names.map((name, i) =>
        cteBody({ ...ctx, visible: recursive ? ctx.visible : [...names.slice(0, i), ...ctx.visible] }, name, recursive),
      );
      return fc.tuple(...bodies).map((sqls) => ({
        sql: `WITH ${recursive ? "RECURSIVE " : ""}${names.map((n, i) => `${n} AS (${sqls[i]})`).join(", ")} `,
        names,
      }));
    });
}

/**
 * One SELECT returning one column n. Every WITH name defined here is read directly in this SELECT's FROM list,
 * so the planner plans every CTE body (it skips unreferenced ones, which the guard still checks).
 */
export function select(ctx: Ctx): fc.Arbitrary<string> {
  const withArb = ctx.depth > 0 ? sometimes(withClause(ctx), 2, 3) : fc.constant(null);
  return withArb.chain((w) => {
    const inner: Ctx = { ...ctx, visible: w ? [...w.names, ...ctx.visible] : ctx.visible };
    const cteRefs = (w?.names ?? []).map((name) => `${name} ${nextAlias()}`);
    return fc
      .record({
        first: fromItem(inner),
        more: fc.array(joined(inner), { maxLength: 1 }),
        sublink: ctx.depth > 0 ? sometimes(select({ ...inner, depth: ctx.depth - 1 }), 1, 3) : fc.constant(null),
        union: ctx.depth > 0 ? sometimes(select({ ...inner, depth: ctx.depth - 1 }), 1, 3) : fc.constant(null),
      })
      .map(({ first, more, sublink, union }) => {
        const from = [first, ...cteRefs].join(", ") + more.join("");
        // Not EXISTS: the planner folds EXISTS over an ungrouped count(*) to true and never reads its relations.
        const where = sublink ? ` WHERE -1 < ANY (${sublink})` : "";
        const body = `SELECT 1 AS n FROM ${from}${where}`;
        const withSql = w?.sql ?? "";
        return union ? `${withSql}${body} UNION ALL (${union})` : `${withSql}${body}`;
      });
  });
}

/** The generator the property test and the benchmark use. */
export const reportingQuery: fc.Arbitrary<string> = select({ visible: [], depth: 2 });
