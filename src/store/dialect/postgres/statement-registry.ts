import { CompiledQuery, type RootOperationNode } from 'kysely';

// Compiled queries the driver (rosterd-postgres-driver.ts) runs in their own way, known by the identity of their
// operation node, which preparedQuery and copyQuery keep for the life of the process.

const names = new WeakMap<RootOperationNode, string>();
let nameCount = 0;

/** preparedQuery's compilations get names, so the driver prepares each once per connection; others stay unnamed. */
export function nameStatement(compiled: CompiledQuery): void {
  if (!names.has(compiled.query)) names.set(compiled.query, `rosterd_${++nameCount}`);
}

export const statementNameOf = (compiled: CompiledQuery): string | undefined => names.get(compiled.query);

const copies = new WeakSet<RootOperationNode>();

/** `COPY … FROM STDIN` with its rows as COPY text, run through the COPY protocol. */
export function copyQuery(statement: string, data: string): CompiledQuery {
  const compiled = CompiledQuery.raw(statement, [data]);
  copies.add(compiled.query);
  return compiled;
}

export const isCopyQuery = (compiled: CompiledQuery): boolean => copies.has(compiled.query);
