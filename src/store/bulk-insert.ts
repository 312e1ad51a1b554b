import type { InsertQueryBuilder, Kysely, RawBuilder } from 'kysely';
import type { Database } from './database.js';
import { dialectOf } from './dialect-support.js';
import { listChunks } from './list-chunks.js';
import { preparedQuery } from './prepared-query.js';

// Many rows in few statements: `insertRows` uses the cheapest (COPY, else VALUES compiled once); `rowChunks` +
// `insertChunk` build INSERTs that may take ON CONFLICT or RETURNING.

export type RowChunk<R> = { values: R[] } | { expression: RawBuilder<unknown> };

/** Nulls omitted (absent is null to json_populate_recordset): parsing dominates, and most columns are null. */
const withoutNulls = (_key: string, value: unknown): unknown => (value === null ? undefined : value);

/** A missing column is null. */
export async function insertRows<R extends object>(
  db: Kysely<Database>,
  table: keyof Database & string,
  columns: readonly (keyof R & string)[],
  rows: readonly R[],
  valuesRows?: number,
): Promise<void> {
  const { copyRows, chunks } = dialectOf(db);
  const size = copyRows ? chunks.rowsPerInsert(table) : (valuesRows ?? chunks.rowsPerInsert(table));
  for (const chunk of listChunks(rows, size)) {
    if (copyRows) await db.executeQuery(copyRows(table, columns, chunk));
    else if (chunk.length === size) await fullChunk(table, columns, size)(db, ...flatValues(chunk, columns));
    else await db.insertInto(table).values(chunk as never).execute();
  }
}

/** Into one array, with no array per row. */
function flatValues<R extends object>(rows: readonly R[], columns: readonly (keyof R & string)[]): unknown[] {
  const values = new Array<unknown>(rows.length * columns.length);
  let k = 0;
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    for (let c = 0; c < columns.length; c++) values[k++] = row[columns[c]!] ?? null;
  }
  return values;
}

type ChunkInsert = (db: Kysely<Database>, ...values: unknown[]) => Promise<unknown[]>;
const fullChunks = new Map<string, ChunkInsert>();

/** Compiled once: building each value costs more than running it. */
function fullChunk(table: keyof Database & string, columns: readonly string[], size: number): ChunkInsert {
  const key = `${table}(${columns.join(',')})x${size}`;
  let insert = fullChunks.get(key);
  if (!insert) {
    const rowsOf = (values: unknown[]) =>
      Array.from({ length: size }, (_, r) => Object.fromEntries(columns.map((column, c) => [column, values[r * columns.length + c]])));
    insert = preparedQuery((db, ...values: unknown[]) => db.insertInto(table).values(rowsOf(values) as never), new Array<unknown>(size * columns.length).fill(''));
    fullChunks.set(key, insert);
  }
  return insert;
}

export function* rowChunks<R extends object>(
  db: Kysely<Database>,
  table: keyof Database & string,
  columns: readonly (keyof R & string)[],
  rows: readonly R[],
  valuesRows?: number,
): Generator<RowChunk<R>> {
  const { jsonRows, chunks } = dialectOf(db);
  const size = jsonRows ? chunks.rowsPerInsert(table) : (valuesRows ?? chunks.rowsPerInsert(table));
  for (const chunk of listChunks(rows, size)) {
    yield jsonRows ? { expression: jsonRows(table, columns, JSON.stringify(chunk, withoutNulls)) } : { values: chunk };
  }
}

export function insertChunk<DB, TB extends keyof DB, O>(
  builder: InsertQueryBuilder<DB, TB, O>,
  columns: readonly string[],
  chunk: RowChunk<object>,
): InsertQueryBuilder<DB, TB, O> {
  if ('values' in chunk) return builder.values(chunk.values as never);
  return builder.columns(columns as never).expression(chunk.expression as never);
}
