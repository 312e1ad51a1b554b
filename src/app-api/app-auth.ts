import { DECOY_HASH, secretMatches } from '../model/api-key-token.js';
import { parseAppKey } from '../model/app-key-token.js';
import { findAppKey } from '../store/app-key-repository.js';
import type { Store } from '../store/create-db.js';
import { AppApiError } from './app-api-error.js';

/** Who an app API request speaks for. */
export interface AppPrincipal {
  keyId: string;
  keyName: string;
  /** The one workspace the key reaches; null when it reaches every workspace. */
  workspaceId: string | null;
  /** The key row's last use, so the caller can decide whether to record this one. */
  lastUsedAt: string | null;
}

/** One message for a wrong, unknown, revoked or foreign-format key: nothing tells them apart. */
const REJECTED = 'authentication failed: the app key is not valid. Send an app key (rosterd app-key create) as "Authorization: Bearer rosterd_app_…"; SCIM keys do not open the app API';

export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^bearer\s+(\S+)\s*$/i.exec(header.trim());
  return match ? match[1]! : null;
}

/**
 * The app key of a request, checked against the database on every request, so a revoked key is refused at once
 * on every instance. The secret is compared in constant time, against a decoy when the id is unknown.
 */
export async function authenticateApp(store: Store, header: string | undefined): Promise<AppPrincipal> {
  const token = bearerToken(header);
  if (!token) throw new AppApiError('unauthorized', 'authentication required: send the app key as "Authorization: Bearer <key>"');
  const parsed = parseAppKey(token);
  const row = parsed ? await findAppKey(store.db, parsed.keyId) : undefined;
  const matches = secretMatches(parsed?.secret ?? token, row?.hash ?? DECOY_HASH);
  if (!row || !matches || row.revoked_at !== null) throw new AppApiError('unauthorized', REJECTED);
  return { keyId: row.id, keyName: row.name, workspaceId: row.workspace_id, lastUsedAt: row.last_used_at };
}

/**
 * Refuses a workspace the key does not reach with the same 404 as a workspace that does not exist, so a key
 * learns nothing about other tenants.
 */
export function checkReach(principal: AppPrincipal, workspaceId: string): void {
  if (principal.workspaceId !== null && principal.workspaceId !== workspaceId) throw workspaceNotFound(workspaceId);
}

export const workspaceNotFound = (workspaceId: string) =>
  new AppApiError('not_found', `no workspace "${workspaceId.slice(0, 100)}" for this app key; check the workspace id and the key's scope (rosterd app-key list)`);
