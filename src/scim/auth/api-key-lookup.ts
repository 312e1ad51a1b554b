import type { ApiKeyRow } from '../../store/database.js';
import { findApiKeyForAuth } from '../../store/api-key-repository.js';
import type { Store } from '../../store/create-db.js';
import { rowToWorkspace } from '../../store/workspace-repository.js';
import type { Workspace } from '../../model/workspace.js';

export interface KeyWithWorkspace {
  key: ApiKeyRow;
  workspace: Workspace;
}

/** Finds the key row (hash, revocation) and its workspace for the authenticator. */
export type ApiKeyLookup = (keyId: string) => Promise<KeyWithWorkspace | undefined>;

/** Keys remembered at most; a workspace has a few, and the cache empties itself rather than grow past this. */
const MAX_CACHED_KEYS = 10_000;

/**
 * The key lookup every SCIM request makes. On SQLite its answers are cached and each reading is checked against
 * the store's auth generation, which triggers move whenever a key or a workspace's settings change, in this
 * process or another one: a revoked key, a new key or a changed workspace policy is seen by the next request
 * (requests handled in the same turn of the event loop share one reading of the generation), and otherwise a
 * request skips the query (and parsing the workspace policy), also while members are being written. The cached
 * workspace's `revision` is the one read when it was cached; writes take the current one inside their
 * transaction. Unknown key ids are cached too, so a flood of made-up keys costs no
 * query either. PostgreSQL reads the database on every request: checking the generation there would cost the
 * same round trip as the lookup. The secret is never cached: the caller compares it with the stored hash every time.
 */
export function apiKeyLookup(store: Store): ApiKeyLookup {
  const read = async (keyId: string): Promise<KeyWithWorkspace | undefined> => {
    const found = await findApiKeyForAuth(store.db, keyId);
    return found && { key: found.key, workspace: rowToWorkspace(found.workspace) };
  };
  const generation = store.authGeneration;
  if (!generation) return read;

  let cachedAt = -1;
  const cache = new Map<string, KeyWithWorkspace | undefined>();
  return async (keyId) => {
    const current = generation();
    if (current !== cachedAt) {
      cache.clear();
      cachedAt = current;
    } else if (cache.has(keyId)) {
      return cache.get(keyId);
    }
    const found = await read(keyId);
    // A key or workspace changed while the query ran: the answer may be older than the generation it would be filed under.
    if (generation() !== cachedAt) return found;
    if (cache.size >= MAX_CACHED_KEYS) cache.clear();
    cache.set(keyId, found);
    return found;
  };
}
