import type { Expression, Kysely, Selectable, SqlBool } from 'kysely';
import type { Database } from './database.js';

export interface ListPage {
  /** 0-based offset. */
  offset: number;
  limit: number;
  /** A column of the listed table to sort by first; (created_at, id) always follows so the order is stable. */
  sortColumn?: string;
  descending?: boolean;
  /** With each member's `fieldSources` (which source last wrote each field). */
  fieldSources?: boolean;
}

/** The tables SCIM lists: one row per resource, each with `workspace_id`, `created_at` and `id`. */
type ListedTable = 'membership' | 'scim_group';

/**
 * One page of a workspace's rows of `table` matching `where`, in a stable order, and the total of all that match.
 * A first page shorter than the page size already tells the total (the common case: an IdP looking up one user or
 * group), so COUNT runs only when the rows alone cannot say.
 */
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
