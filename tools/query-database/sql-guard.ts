import { REPORTING_VIEWS } from "./reporting-views.ts";
import { unboundedRowsReason } from "./row-bound.ts";

/**
 * Functions a reporting query may call. An allow-list, not a deny-list: anything new in PostgreSQL
 * (or an extension) stays forbidden until someone decides it is side-effect free.
 */
const ALLOWED_FUNCTIONS = new Set(
  (
    "count sum avg min max stddev stddev_samp stddev_pop variance var_samp var_pop percentile_cont " +
    "percentile_disc mode corr covar_pop covar_samp regr_slope regr_intercept bool_and bool_or " +
    "string_agg array_agg json_agg jsonb_agg row_number rank dense_rank percent_rank cume_dist ntile lag " +
    "lead first_value last_value round floor ceil ceiling abs sign sqrt power ln log exp mod trunc div " +
    "greatest least width_bucket date_trunc date_part extract to_char to_date make_date age now timezone " +
    "date_bin lower upper length char_length substr substring btrim ltrim rtrim concat concat_ws " +
    "split_part left right position strpos replace initcap format generate_series unnest array_length " +
    "cardinality"
  ).split(" "),
);

/** Statement kinds that write or change state; found anywhere (e.g. in a CTE) they reject the query. */
const FORBIDDEN_NODES = new Set(
  (
    "InsertStmt UpdateStmt DeleteStmt MergeStmt CopyStmt CreateStmt CreateTableAsStmt DropStmt " +
    "AlterTableStmt TruncateStmt GrantStmt VariableSetStmt DoStmt CallStmt LockStmt ExplainStmt " +
    "TransactionStmt NotifyStmt ListenStmt VacuumStmt IndexStmt RuleStmt ViewStmt CreateFunctionStmt " +
    "PrepareStmt ExecuteStmt DeclareCursorStmt"
  ).split(" "),
);

/** Why a query was refused, in words the model can act on. */
export class SqlRejected extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SqlRejected";
  }
}

/**
 * Node types that evaluate XML (parsing can expand entities and is costly) or build tables from XML documents:
 * none is needed for reporting. Function-call forms such as xpath() or query_to_xml() are FuncCall nodes and are
 * already outside ALLOWED_FUNCTIONS.
 */
const XML_NODES = new Set(["XmlExpr", "XmlSerialize", "RangeTableFunc"]);

/**
 * SQL keywords that parse as SQLValueFunction rather than FuncCall. Only the clock ones are allowed; the rest
 * (current_user, session_user, user, current_role, current_catalog, current_schema) report who and where the
 * session runs, which a reporting answer never needs.
 */
const ALLOWED_VALUE_FUNCTIONS = new Set(
  (
    "SVFOP_CURRENT_DATE SVFOP_CURRENT_TIME SVFOP_CURRENT_TIME_N SVFOP_CURRENT_TIMESTAMP SVFOP_CURRENT_TIMESTAMP_N " +
    "SVFOP_LOCALTIME SVFOP_LOCALTIME_N SVFOP_LOCALTIMESTAMP SVFOP_LOCALTIMESTAMP_N"
  ).split(" "),
);

type Parse = (sql: string) => Promise<{ stmts?: { stmt?: object; stmt_location?: number; stmt_len?: number }[] }>;
let parser: Promise<Parse> | undefined;

/**
 * Imported on first use: the parser's WASM costs ~50 ms to load and most processes never check SQL. Kept after
 * that, since a dynamic import() per query costs more than parsing a typical query.
 */
function loadParser(): Promise<Parse> {
  parser ??= import("libpg-query").then(
    (module) => module.parse as Parse,
    (error: unknown) => {
      parser = undefined; // a failed load is retried by the next query, not cached
      throw error;
    },
  );
  return parser;
}

/** CTE names visible at one point of the query: innermost WITH first, as PostgreSQL resolves them. */
type Scope = readonly ReadonlySet<string>[];

/**
 * Checks with PostgreSQL's own parser that `sql` is exactly one SELECT over the reporting views, calling only
 * allow-listed functions. Returns the statement's own text: trailing semicolons and comments after it, which are
 * harmless, are accepted and dropped so that the caller can wrap the statement in a subquery.
 */
export async function checkReportingQuery(sql: string): Promise<string> {
  let tree: { stmts?: { stmt?: object; stmt_location?: number; stmt_len?: number }[] };
  try {
    tree = await (await loadParser())(sql);
  } catch (error) {
    throw new SqlRejected(`sql: not valid PostgreSQL (${error instanceof Error ? error.message : String(error)})`);
  }
  const statements = tree.stmts ?? [];
  if (statements.length !== 1) {
    throw new SqlRejected(`sql: expected exactly one statement, got ${statements.length}`);
  }
  const statement = statements[0] ?? {};
  const stmt: object = statement.stmt ?? {};
  const kind = Object.keys(stmt)[0];
  if (kind !== "SelectStmt") throw new SqlRejected(`sql: only SELECT is allowed, got ${kind ?? "nothing"}`);
  walk(stmt, [], "");
  return statementText(sql, statement.stmt_location ?? 0, statement.stmt_len);
}

/**
 * The statement's span in `sql`. The parser counts bytes of UTF-8, not UTF-16 units, so non-ASCII literals
 * before or inside the statement would shift a string slice. A missing length means "to the end".
 */
function statementText(sql: string, location: number, length: number | undefined): string {
  const bytes = Buffer.from(sql, "utf8");
  const end = length === undefined ? bytes.length : location + length;
  return bytes.subarray(location, end).toString("utf8").trim();
}

/**
 * Visits every node under `value` with the CTE names visible there. SELECTs open a scope for their WITH; the
 * arms of a UNION/INTERSECT/EXCEPT (larg/rarg, stored without a node-type key) are SELECTs too.
 */
function walk(value: unknown, scope: Scope, key: string): void {
  if (Array.isArray(value)) {
    for (const item of value) walk(item, scope, key);
    return;
  }
  if (value === null || typeof value !== "object") return;
  const node = value as Record<string, unknown>;
  for (const [childKey, child] of Object.entries(node)) {
    if (child === null || typeof child !== "object" || Array.isArray(child)) {
      walk(child, scope, childKey);
      continue;
    }
    const isSelect =
      childKey === "SelectStmt" || (key === "SelectStmt" && (childKey === "larg" || childKey === "rarg"));
    if (isSelect) {
      checkNode("SelectStmt", child as Record<string, unknown>, scope);
      walkSelect(child as Record<string, unknown>, scope);
      continue;
    }
    if (/^[A-Z]/.test(childKey)) checkNode(childKey, child as Record<string, unknown>, scope);
    walk(child, scope, childKey);
  }
}

/**
 * One SELECT: its WITH names are visible in its own body, in its set-operation arms and in everything nested
 * inside them, never outside. Without RECURSIVE a CTE sees only the CTEs before it; with RECURSIVE it sees all of
 * the same WITH, itself included.
 */
function walkSelect(select: Record<string, unknown>, outer: Scope): void {
  const withClause = select.withClause as {
    ctes?: { CommonTableExpr?: Record<string, unknown> }[];
    recursive?: boolean;
  };
  let scope = outer;
  if (withClause) {
    const names = new Set<string>();
    const ctes = (withClause.ctes ?? []).map((c) => c.CommonTableExpr ?? {});
    if (withClause.recursive) for (const cte of ctes) names.add(String(cte.ctename));
    scope = [names, ...outer];
    for (const cte of ctes) {
      walk({ CommonTableExpr: cte }, scope, "");
      names.add(String(cte.ctename));
    }
  }
  for (const [childKey, child] of Object.entries(select)) {
    if (childKey === "withClause") continue;
    walk({ [childKey]: child }, scope, "SelectStmt");
  }
}

function checkNode(key: string, node: Record<string, unknown>, scope: Scope): void {
  if (FORBIDDEN_NODES.has(key)) throw new SqlRejected(`sql: ${key.replace(/Stmt$/, "")} is not allowed, only SELECT`);
  if (key === "SelectStmt" && node.intoClause) throw new SqlRejected("sql: SELECT INTO creates a table; not allowed");
  if (key === "SelectStmt" && node.lockingClause)
    throw new SqlRejected("sql: FOR UPDATE/SHARE locks rows; not allowed");
  if (key === "RangeVar") checkRelation(node, scope);
  if (key === "FuncCall") checkFunction(node);
  if (XML_NODES.has(key)) throw new SqlRejected("sql: XML functions and XMLTABLE are not allowed in reporting queries");
  if (key === "SQLValueFunction" && !ALLOWED_VALUE_FUNCTIONS.has(String(node.op))) {
    const name = String(node.op)
      .replace(/^SVFOP_/, "")
      .toLowerCase();
    throw new SqlRejected(`sql: ${name} reports session details; not allowed in reporting queries`);
  }
  if (key === "TypeCast") {
    const name = lastName((node.typeName as { names?: unknown } | undefined)?.names);
    if (name.startsWith("reg")) throw new SqlRejected(`sql: casts to ${name} look up system catalogs; not allowed`);
    if (name === "xml") throw new SqlRejected("sql: casts to xml parse XML; not allowed");
  }
}

function checkRelation(node: Record<string, unknown>, scope: Scope): void {
  const relname = String(node.relname);
  const schema = node.schemaname as string | undefined;
  if (node.catalogname) throw new SqlRejected(`sql: cross-database reference to ${relname} is not allowed`);
  if (schema === undefined && scope.some((names) => names.has(relname))) return;
  // hasOwn, not `in`: "constructor" or "toString" must not pass as view names.
  if ((schema === undefined || schema === "reporting") && Object.hasOwn(REPORTING_VIEWS, relname)) return;
  const shown = schema ? `${schema}.${relname}` : relname;
  throw new SqlRejected(
    `sql: ${shown} is not a reporting view${schema === undefined ? " (nor a WITH query visible here)" : ""}; allowed: ${Object.keys(
      REPORTING_VIEWS,
    )
      .map((v) => `reporting.${v}`)
      .join(", ")}`,
  );
}

function checkFunction(node: Record<string, unknown>): void {
  const parts = (node.funcname as { String?: { sval: string } }[]).map((p) => p.String?.sval ?? "");
  const name = (parts.at(-1) ?? "").toLowerCase();
  const schema = parts.length > 1 ? parts[0] : undefined;
  if ((schema !== undefined && schema !== "pg_catalog") || !ALLOWED_FUNCTIONS.has(name)) {
    throw new SqlRejected(`sql: function ${parts.join(".")} is not allowed in reporting queries`);
  }
  const unbounded = unboundedRowsReason(name, node.args);
  if (unbounded) throw new SqlRejected(unbounded);
}

function lastName(names: unknown): string {
  const list = (names as { String?: { sval: string } }[] | undefined) ?? [];
  return (list.at(-1)?.String?.sval ?? "").toLowerCase();
}
