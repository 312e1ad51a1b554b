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

/** Clear rather than grow past this. */
const MAX_CACHED_KEYS = 10_000;

/** Answers, misses too, are cached per auth generation (moved by triggers), where the store keeps one. */
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
    // Changed mid-query: the answer may predate the generation.
    if (generation() !== cachedAt) return found;
    if (cache.size >= MAX_CACHED_KEYS) cache.clear();
    cache.set(keyId, found);
    return found;
  };
}
