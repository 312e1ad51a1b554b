import { hash } from 'node:crypto';
import type { Workspace } from '../model/workspace.js';

/**
 * The workspace settings a pull compares under (its version, extension and policy), as a hash: the binding's records
 * say the store matched the IdP under these, so once they change every user must be compared again.
 */
export function settingsHash(workspace: Pick<Workspace, 'version' | 'extensionUrn' | 'policy'>): string {
  return hash('sha1', JSON.stringify([workspace.version, workspace.extensionUrn, workspace.policy]), 'base64');
}
