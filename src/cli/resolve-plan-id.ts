import type { Kysely } from 'kysely';
import { RosterdError } from '../error/rosterd-error.js';
import type { Database } from '../store/database.js';

/** Shortest prefix accepted: below it, most prefixes would match several plans. */
const MIN_PREFIX = 4;

/**
 * The plan a command names by its id or a unique prefix of it (`rosterd plan show 5d0c`), as git takes commits.
 * Ids are lower-case hex with dashes, so a prefix holds no LIKE wildcard.
 */
export async function resolvePlanId(db: Kysely<Database>, given: string): Promise<string> {
  const notFound = () => new RosterdError('ROSTERD_E_PLAN', `plan ${given} does not exist; see rosterd runs <workspace>`);
  const prefix = given.trim().toLowerCase();
  const exact = await db.selectFrom('plan').select('id').where('id', '=', prefix).executeTakeFirst();
  if (exact) return exact.id;
  if (!/^[0-9a-f-]+$/.test(prefix)) throw notFound();
  if (prefix.length < MIN_PREFIX) throw new RosterdError('ROSTERD_E_USAGE', `plan id "${given}" is too short; give at least ${MIN_PREFIX} characters`);
  const matches = await db
    .selectFrom('plan')
    .select('id')
    .where('id', 'like', `${prefix}%`)
    .orderBy('id')
    .limit(3)
    .execute();
  if (matches.length === 0) throw notFound();
  if (matches.length > 1) throw new RosterdError('ROSTERD_E_USAGE', `plan id "${given}" matches several plans (${matches.map((m) => m.id).join(', ')}${matches.length > 2 ? ', …' : ''}); give more of it`);
  return matches[0]!.id;
}
