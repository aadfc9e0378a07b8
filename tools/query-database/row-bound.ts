/**
 * Set-returning functions whose row count is set by their arguments rather than by data already in a table.
 * The planner only knows how many rows they produce when the arguments are constants; a bound computed from data
 * (a subquery, a column) makes it assume 1,000 rows, so the planner-cost ceiling cannot see a query that would
 * produce billions (issue 21: `generate_series(1, (SELECT max(id) FROM reporting.customers) * 20000)`).
 */
const ARGUMENT_SIZED_FUNCTIONS = new Set(["generate_series"]);

/** Node types that read data, so an argument containing one has no bound known before the query runs. */
const DATA_DEPENDENT_NODES = new Set(["SubLink", "ColumnRef"]);

/**
 * The reason `name(args)` is refused, or undefined when its row count can be bounded: arguments built from
 * constants, parameters-free expressions of them and the clock (current_date, now()) only.
 */
export function unboundedRowsReason(name: string, args: unknown): string | undefined {
  if (!ARGUMENT_SIZED_FUNCTIONS.has(name)) return undefined;
  const found = firstNode(args, DATA_DEPENDENT_NODES);
  if (found === undefined) return undefined;
  const what = found === "SubLink" ? "a subquery" : "a column";
  return (
    `sql: ${name}() has a bound computed from ${what}, so the number of rows it produces cannot be estimated ` +
    `before it runs; use constant bounds (e.g. ${name}(1, 100) or ${name}(current_date - 90, current_date, ` +
    "interval '1 day')) or join the reporting views instead"
  );
}

function firstNode(value: unknown, kinds: ReadonlySet<string>): string | undefined {
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = firstNode(item, kinds);
      if (found) return found;
    }
    return undefined;
  }
  if (value === null || typeof value !== "object") return undefined;
  for (const [key, child] of Object.entries(value)) {
    if (kinds.has(key)) return key;
    const found = firstNode(child, kinds);
    if (found) return found;
  }
  return undefined;
}
