import type { Kysely } from 'kysely';
import { parseAdminKey } from '../model/admin-key-token.js';
import { DECOY_HASH, secretMatches } from '../model/api-key-token.js';
import { findAdminKey } from '../store/admin-key-repository.js';
import type { Database } from '../store/database.js';

/**
 * Null for anything but a valid admin key (SCIM and app key prefixes never parse as one). Constant-time, against a
 * decoy for unknown ids, so a wrong id takes as long as a wrong secret.
 */
export async function verifyAdminKey(db: Kysely<Database>, presented: string): Promise<{ keyId: string; keyName: string } | null> {
  const token = presented.trim();
  const parsed = parseAdminKey(token);
  const row = parsed ? await findAdminKey(db, parsed.keyId) : undefined;
  const matches = secretMatches(parsed?.secret ?? token, row?.hash ?? DECOY_HASH);
  if (!row || !matches || row.revoked_at !== null) return null;
  return { keyId: row.id, keyName: row.name };
}
