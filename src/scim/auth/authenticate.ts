import { DECOY_HASH, parseApiKey, secretMatches } from '../../model/api-key-token.js';
import type { Workspace } from '../../model/workspace.js';
import { ScimError } from '../scim-error.js';
import type { ApiKeyLookup } from './api-key-lookup.js';

export interface Authenticated {
  workspace: Workspace;
  keyId: string;
  /** Names the change source in the event log. */
  keyName: string;
  lastUsedAt: string | null;
}

/** One message for every failure: nothing leaks about other tenants. */
const REJECTED =
  'authentication failed: the API key is not valid for this SCIM base URL. Check the Secret Token (Entra) or API Token (Okta) and the workspace in the URL';

export const unauthorized = (detail: string) => new ScimError(401, undefined, detail);

/** Okta's Header Auth sends whatever the admin typed, bare keys included. */
export function tokenFromHeader(header: string | undefined): string | null {
  if (!header) return null;
  const trimmed = header.trim();
  const match = /^bearer\s+(.+)$/i.exec(trimmed);
  return (match ? match[1]! : trimmed).trim() || null;
}

/** A revoked key fails on the next request, on every instance. */
export async function authenticate(lookup: ApiKeyLookup, workspaceId: string, header: string | undefined): Promise<Authenticated> {
  const token = tokenFromHeader(header);
  if (!token) throw unauthorized('authentication required: send the workspace API key as "Authorization: Bearer <key>"');
  return verify(lookup, workspaceId, token);
}

async function verify(lookup: ApiKeyLookup, workspaceId: string, token: string): Promise<Authenticated> {
  const parsed = parseApiKey(token);
  const found = parsed ? await lookup(parsed.keyId) : undefined;
  // Compare even without a row, so an unknown id takes as long as a wrong secret.
  const matches = secretMatches(parsed?.secret ?? token, found?.key.hash ?? DECOY_HASH);
  if (!found || !matches || found.key.revoked_at !== null || found.key.workspace_id !== workspaceId) throw unauthorized(REJECTED);
  return { workspace: found.workspace, keyId: found.key.id, keyName: found.key.name, lastUsedAt: found.key.last_used_at };
}
