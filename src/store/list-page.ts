import type { Expression, Kysely, Selectable, SqlBool } from 'kysely';
import type { Database } from './database.js';

export interface ListPage {
  offset: number;
  limit: number;
  /** Then (created_at, id), for a stable order. */
  sortColumn?: string;
  descending?: boolean;
  fieldSources?: boolean;
}

/** Each has workspace_id, created_at and id. */
type ListedTable = 'membership' | 'scim_group';

/** A short first page (the usual single lookup) is the total, so COUNT runs only when needed. */
export async function listPage<T extends ListedTable>(
  db: Kysely<Database>,
  table: T,
  workspaceId: string,
  where: Expression<SqlBool> | undefined,
  page: ListPage,
): Promise<{ total: number; rows: Selectable<Database[T]>[] }> {
  // Typed as one table: the statement is the same for either.
  const from = db as unknown as Kysely<Pick<Database, 'membership'>>;
  const name = table as 'membership';
  let base = from.selectFrom(name).where(`${name}.workspace_id`, '=', workspaceId);
  if (where) base = base.where(where);
  const direction = page.descending ? 'desc' : 'asc';
  let query = base.selectAll(name);
  if (page.sortColumn) query = query.orderBy(page.sortColumn as 'membership.id', direction);
  const rows =
    page.limit === 0
      ? []
      : await query.orderBy(`${name}.created_at`, direction).orderBy(`${name}.id`, direction).limit(page.limit).offset(page.offset).execute();
  const total =
    page.offset === 0 && rows.length < page.limit
      ? rows.length
      : Number((await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  return { total, rows: rows as unknown as Selectable<Database[T]>[] };
}
