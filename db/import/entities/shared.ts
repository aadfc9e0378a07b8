// Reference resolution shared by several entities.
import type { ImportSession, Located, RowProblem } from "../entity.ts";

/** Customer ids for the external ids rows name (one query per batch). */
export async function lookupCustomers<R>(
  rows: readonly Located<R>[],
  externalId: (row: R) => string | null,
  session: ImportSession,
): Promise<Map<string, number>> {
  const ids: string[] = [];
  for (const { value } of rows) {
    const id = externalId(value);
    if (id !== null) ids.push(id);
  }
  return session.refs.customerIds(ids);
}

/** A problem for a row that names a customer the database does not have. */
export function unknownCustomer(line: number, field: string, externalId: string): RowProblem {
  return {
    line,
    field,
    reason: `unknown customer "${externalId}": import the customers file first (beacon import customers ...)`,
  };
}

/** A row's channel id, or a problem naming the known codes. */
export function resolveChannel(
  session: ImportSession,
  line: number,
  field: string,
  text: string,
  problems: RowProblem[],
): number | null {
  const channel = session.refs.channel(text);
  if (channel.ok) return channel.value.id;
  problems.push({ line, field, reason: channel.error });
  return null;
}
