import { hash } from 'node:crypto';
import type { Workspace } from '../model/workspace.js';

/** The settings a pull compares under; records made under other settings must be compared again. */
export function settingsHash(workspace: Pick<Workspace, 'version' | 'extensionUrn' | 'policy'>): string {
  return hash('sha1', JSON.stringify([workspace.version, workspace.extensionUrn, workspace.policy]), 'base64');
}
