import type { Kysely } from 'kysely';
import { RosterdError } from '../error/rosterd-error.js';
import { generateAdminKey } from '../model/admin-key-token.js';
import { activeAdminKeysNamed, insertAdminKey, type AdminKeyInfo } from '../store/admin-key-repository.js';
import type { Database } from '../store/database.js';

/** The token is returned only here; only its hash is stored. Active names are unique: a name revokes one key. */
export async function createAdminKey(db: Kysely<Database>, input: { name: string; description?: string; now: string }): Promise<{ key: AdminKeyInfo; token: string }> {
  const name = input.name.trim();
  if (name === '') throw new RosterdError('ROSTERD_E_USAGE', 'the admin key needs a name, e.g. --name "ada"');
  if ((await activeAdminKeysNamed(db, name)).some((k) => k.name === name)) {
    throw new RosterdError('ROSTERD_E_CONFLICT', `there is already an active admin key named "${name}"; revoke it or pick another name`);
  }
  const { keyId, token, hash } = generateAdminKey();
  const description = input.description ?? null;
  await insertAdminKey(db, { id: keyId, name, description, hash, createdAt: input.now });
  return { key: { id: keyId, name, description, createdAt: input.now, lastUsedAt: null, revokedAt: null }, token };
}
