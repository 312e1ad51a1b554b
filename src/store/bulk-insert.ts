import type { InsertQueryBuilder, Kysely, RawBuilder } from 'kysely';
import type { Database } from './database.js';
import { dialectOf } from './dialect-support.js';
import { preparedQuery } from './prepared-query.js';

/**
 * Many rows of one table in a few statements. `insertRows` writes them with the cheapest statement the
 * database has (COPY on PostgreSQL, VALUES lists compiled once on SQLite); `rowChunks` + `insertChunk` build INSERTs that
 * can still take ON CONFLICT or RETURNING (one JSON parameter per chunk on PostgreSQL, VALUES lists on SQLite).
 * dialect-support.ts `copyRows` and `jsonRows` say why.
 */
export type RowChunk<R> = { values: R[] } | { expression: RawBuilder<unknown> };

/** Rows per JSON or COPY statement: a batch of a pull's apply (5,000 changes) in one, a few megabytes. */
const CHUNK = 5000;

/**
 * Nulls are left out of the JSON (an absent key is null to json_populate_recordset): the server's JSON parsing
 * is about half of such an insert, and for a created member's 45 columns, most of them null, leaving them out
 * took it from 25 to 16 µs a row. Stringifying with this replacer is faster too, as the text is shorter.
 */
const withoutNulls = (_key: string, value: unknown): unknown => (value === null ? undefined : value);

/** Insert `rows` (objects keyed by column name; a missing column is null), `valuesChunk` rows per VALUES list. */
export async function insertRows<R extends object>(
  db: Kysely<Database>,
  table: keyof Database & string,
  columns: readonly (keyof R & string)[],
  rows: readonly R[],
  valuesChunk: number,
): Promise<void> {
  const { copyRows } = dialectOf(db);
  const size = copyRows ? CHUNK : valuesChunk;
  for (let i = 0; i < rows.length; i += size) {
    const chunk = rows.slice(i, i + size);
    if (copyRows) await db.executeQuery(copyRows(table, columns, chunk));
    else if (chunk.length === size) await fullChunk(table, columns, size)(db, ...flatValues(chunk, columns));
    else await db.insertInto(table).values(chunk as never).execute();
  }
}

/**
 * The rows' values in column order, row after row (a missing column is null). A plain loop into one array: a
 * `flatMap` of per-row `map`s made an array per row and then copied it, 4.5 µs a created member against 1.2.
 */
function flatValues<R extends object>(rows: readonly R[], columns: readonly (keyof R & string)[]): unknown[] {
  const values = new Array<unknown>(rows.length * columns.length);
  let k = 0;
  // Indexed loops: for-of over the columns took half as long again.
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    for (let c = 0; c < columns.length; c++) values[k++] = row[columns[c]!] ?? null;
  }
  return values;
}

type ChunkInsert = (db: Kysely<Database>, ...values: unknown[]) => Promise<unknown[]>;
const fullChunks = new Map<string, ChunkInsert>();

/**
 * The VALUES insert of `size` rows of `columns`, compiled once: Kysely would otherwise build and compile every
 * value of every statement (9,000 for 200 created members), which cost more than running it. Its parameters are
 * the rows' values in column order, row after row.
 */
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
  valuesChunk: number,
): Generator<RowChunk<R>> {
  const { jsonRows } = dialectOf(db);
  const size = jsonRows ? CHUNK : valuesChunk;
  for (let i = 0; i < rows.length; i += size) {
    const chunk = rows.slice(i, i + size);
    yield jsonRows ? { expression: jsonRows(table, columns, JSON.stringify(chunk, withoutNulls)) } : { values: chunk };
  }
}

/** `builder` (an insertInto of the chunk's table) with the chunk's rows. */
export function insertChunk<DB, TB extends keyof DB, O>(
  builder: InsertQueryBuilder<DB, TB, O>,
  columns: readonly string[],
  chunk: RowChunk<object>,
): InsertQueryBuilder<DB, TB, O> {
  if ('values' in chunk) return builder.values(chunk.values as never);
  return builder.columns(columns as never).expression(chunk.expression as never);
}
