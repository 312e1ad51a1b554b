import { DECOY_HASH, secretMatches } from '../model/api-key-token.js';
import { parseAppKey } from '../model/app-key-token.js';
import { findAppKey } from '../store/app-key-repository.js';
import type { Store } from '../store/store.js';
import { AppApiError } from './app-api-error.js';

export interface AppPrincipal {
  keyId: string;
  keyName: string;
  /** Null: every workspace. */
  workspaceId: string | null;
  /** Lets the caller decide whether to record this use. */
  lastUsedAt: string | null;
}

/** One message for every bad key, so nothing tells them apart. */
const REJECTED = 'authentication failed: the app key is not valid. Send an app key (rosterd app-key create) as "Authorization: Bearer rosterd_app_…"; SCIM keys do not open the app API';

export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^bearer\s+(\S+)\s*$/i.exec(header.trim());
  return match ? match[1]! : null;
}

/** Checked on every request, so revocation applies at once everywhere; constant-time, against a decoy for unknown ids. */
export async function authenticateApp(store: Store, header: string | undefined): Promise<AppPrincipal> {
  const token = bearerToken(header);
  if (!token) throw new AppApiError('unauthorized', 'authentication required: send the app key as "Authorization: Bearer <key>"');
  const parsed = parseAppKey(token);
  const row = parsed ? await findAppKey(store.db, parsed.keyId) : undefined;
  const matches = secretMatches(parsed?.secret ?? token, row?.hash ?? DECOY_HASH);
  if (!row || !matches || row.revoked_at !== null) throw new AppApiError('unauthorized', REJECTED);
  return { keyId: row.id, keyName: row.name, workspaceId: row.workspace_id, lastUsedAt: row.last_used_at };
}

/** Same 404 as a missing workspace, so a key learns nothing about other tenants. */
export function checkReach(principal: AppPrincipal, workspaceId: string): void {
  if (principal.workspaceId !== null && principal.workspaceId !== workspaceId) throw workspaceNotFound(workspaceId);
}

export const workspaceNotFound = (workspaceId: string) =>
  new AppApiError('not_found', `no workspace "${workspaceId.slice(0, 100)}" for this app key; check the workspace id and the key's scope (rosterd app-key list)`);
