import type { ApiKeyRow } from '../../store/database.js';
import { findApiKeyForAuth } from '../../store/api-key-repository.js';
import type { Store } from '../../store/store.js';
import { rowToWorkspace } from '../../store/workspace-repository.js';
import type { Workspace } from '../../model/workspace.js';

export interface KeyWithWorkspace {
  key: ApiKeyRow;
  workspace: Workspace;
}

export type ApiKeyLookup = (keyId: string) => Promise<KeyWithWorkspace | undefined>;

/** Small: a workspace has a few keys, and the cache empties itself rather than grow past this. */
const MAX_CACHED_KEYS = 10_000;

/**
 * The key lookup every SCIM request makes. On SQLite answers are cached and checked against the store's auth
 * generation, which triggers bump on any key or workspace change in any process, so the next request sees it.
 * Unknown key ids are cached too, so made-up keys cost no query. PostgreSQL queries every time: checking the
 * generation would cost the same round trip. The secret is never cached.
 */
export function apiKeyLookup(store: Store): ApiKeyLookup {
  const read = async (keyId: string): Promise<KeyWithWorkspace | undefined> => {
    const found = await findApiKeyForAuth(store.db, keyId);
    return found && { key: found.key, workspace: rowToWorkspace(found.workspace) };
  };
  const generation = store.changeCounter;
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
    // Something changed while the query ran: the answer may be older than the generation it would be filed under.
    if (generation() !== cachedAt) return found;
    if (cache.size >= MAX_CACHED_KEYS) cache.clear();
    cache.set(keyId, found);
    return found;
  };
}
