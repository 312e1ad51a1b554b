import { bindingName, type Config } from '../config/config-schema.js';
import { RosterdError } from '../error/rosterd-error.js';

interface ConfigReference {
  workspace: string;
  /** For messages: `connector binding okta`, `SCIM mount /scim/v2`. */
  by: string;
}

function configReferenceList(config: Readonly<Config>): ConfigReference[] {
  return [
    ...config.connectors.map((b) => ({ workspace: b.workspace, by: `connector binding ${bindingName(b)}` })),
    ...config.scim.mounts.map((m) => ({ workspace: m.workspace, by: `SCIM mount ${m.path}` })),
  ];
}

export function configReferences(config: Readonly<Config>, workspaceId: string): string[] {
  return configReferenceList(config)
    .filter((r) => r.workspace === workspaceId)
    .map((r) => r.by);
}

/**
 * A binding or mount naming a missing workspace would fail every tick or 404 every request while the gateway looks
 * healthy, so refuse to start. Checked before bootstrap, so a refused start creates nothing. `existing`: the ids of
 * the workspaces the database holds.
 */
export function checkConfiguredWorkspaces(config: Readonly<Config>, existing: ReadonlySet<string>): void {
  const known = new Set(existing);
  // An empty database gets the bootstrap workspace on this start.
  if (known.size === 0 && config.bootstrap.workspace !== null) known.add(config.bootstrap.workspace);
  const missing = configReferenceList(config).find((r) => !known.has(r.workspace));
  if (missing) {
    throw new RosterdError('ROSTERD_E_CONFIG', `${missing.by} names workspace "${missing.workspace}", which does not exist; create it with rosterd workspace create ${missing.workspace}, or fix the configuration`);
  }
}
