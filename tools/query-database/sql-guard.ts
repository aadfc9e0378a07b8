import { REPORTING_VIEWS } from "./reporting-views.ts";

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
 * Checks with PostgreSQL's own parser that `sql` is exactly one SELECT over the reporting views, calling only
 * allow-listed functions. Returns the statement text without a trailing semicolon.
 */
export async function checkReportingQuery(sql: string): Promise<string> {
  let tree: { stmts?: { stmt?: object }[] };
  try {
    // Imported on first use: the parser's WASM costs ~50 ms to load and most processes never check SQL.
    const { parse } = await import("libpg-query");
    tree = await parse(sql);
  } catch (error) {
    throw new SqlRejected(`sql: not valid PostgreSQL (${error instanceof Error ? error.message : String(error)})`);
  }
  const statements = tree.stmts ?? [];
  if (statements.length !== 1) {
    throw new SqlRejected(`sql: expected exactly one statement, got ${statements.length}`);
  }
  const stmt: object = statements[0]?.stmt ?? {};
  const kind = Object.keys(stmt)[0];
  if (kind !== "SelectStmt") throw new SqlRejected(`sql: only SELECT is allowed, got ${kind ?? "nothing"}`);
  const cteNames = new Set<string>();
  collect(stmt, (key, node) => {
    if (key === "CommonTableExpr") cteNames.add(String((node as { ctename: string }).ctename));
  });
  collect(stmt, (key, node) => checkNode(key, node as Record<string, unknown>, cteNames));
  return sql.trim().replace(/;\s*$/, "");
}

function checkNode(key: string, node: Record<string, unknown>, cteNames: Set<string>): void {
  if (FORBIDDEN_NODES.has(key)) throw new SqlRejected(`sql: ${key.replace(/Stmt$/, "")} is not allowed, only SELECT`);
  if (key === "SelectStmt" && node.intoClause) throw new SqlRejected("sql: SELECT INTO creates a table; not allowed");
  if (key === "SelectStmt" && node.lockingClause)
    throw new SqlRejected("sql: FOR UPDATE/SHARE locks rows; not allowed");
  if (key === "RangeVar") checkRelation(node, cteNames);
  if (key === "FuncCall") checkFunction(node);
  if (key === "TypeCast") {
    const name = lastName((node.typeName as { names?: unknown } | undefined)?.names);
    if (name.startsWith("reg")) throw new SqlRejected(`sql: casts to ${name} look up system catalogs; not allowed`);
  }
}

function checkRelation(node: Record<string, unknown>, cteNames: Set<string>): void {
  const relname = String(node.relname);
  const schema = node.schemaname as string | undefined;
  if (node.catalogname) throw new SqlRejected(`sql: cross-database reference to ${relname} is not allowed`);
  if (schema === undefined && cteNames.has(relname)) return;
  if ((schema === undefined || schema === "reporting") && relname in REPORTING_VIEWS) return;
  const shown = schema ? `${schema}.${relname}` : relname;
  throw new SqlRejected(
    `sql: ${shown} is not a reporting view; allowed: ${Object.keys(REPORTING_VIEWS)
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
}

function lastName(names: unknown): string {
  const list = (names as { String?: { sval: string } }[] | undefined) ?? [];
  return (list.at(-1)?.String?.sval ?? "").toLowerCase();
}

/** Calls `visit` for every node object in the parse tree, keyed by its node type. */
function collect(value: unknown, visit: (key: string, node: unknown) => void): void {
  if (Array.isArray(value)) {
    for (const item of value) collect(item, visit);
    return;
  }
  if (value === null || typeof value !== "object") return;
  for (const [key, child] of Object.entries(value)) {
    if (child !== null && typeof child === "object" && !Array.isArray(child) && /^[A-Z]/.test(key)) {
      visit(key, child);
    }
    collect(child, visit);
  }
}
