/**
 * Names for the SQL texts `preparedQuery` compiles once (a member by id, userName or externalId, the API key
 * lookup, a single log row, …), given through postgres-support.ts `preparedText`. pg-client.ts runs a named text
 * as a server-side prepared statement, parsed and planned once per connection. Other texts (IN lists of any
 * length, filters) stay unnamed, so the number of prepared statements per connection is bounded by the number of
 * prepared queries in the code.
 */
const names = new Map<string, string>();

export function nameStatement(sql: string): void {
  if (!names.has(sql)) names.set(sql, `rosterd_${names.size + 1}`);
}

export function statementName(sql: string): string | undefined {
  return names.get(sql);
}
