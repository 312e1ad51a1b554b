// preparedQuery's texts get names, so pg-client.ts prepares them per connection; other texts stay unnamed, bounding
// their number.

const names = new Map<string, string>();

export function nameStatement(sql: string): void {
  if (!names.has(sql)) names.set(sql, `rosterd_${names.size + 1}`);
}

export function statementName(sql: string): string | undefined {
  return names.get(sql);
}
