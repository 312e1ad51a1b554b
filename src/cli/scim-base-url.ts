import type { Config } from '../config/config-schema.js';

/** The SCIM base URL an admin pastes into Entra (Tenant URL) or Okta (SCIM connector base URL). */
export function scimBaseUrl(config: Readonly<Config>, workspaceId: string): string {
  const mount = config.scim.mounts.find((m) => m.workspace === workspaceId);
  const host = config.server.host === '0.0.0.0' || config.server.host === '::' ? 'localhost' : config.server.host;
  const origin = (config.server.publicUrl ?? `http://${host.includes(':') ? `[${host}]` : host}:${config.server.port}`).replace(/\/+$/, '');
  return `${origin}${mount ? mount.path : `/scim/v2/organizations/${encodeURIComponent(workspaceId)}`}`;
}
