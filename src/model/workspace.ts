import type { WorkspacePolicy } from './workspace-policy.js';

export type WorkspaceVersion = 'v1' | 'v2';

export interface Workspace {
  id: string;
  name: string;
  version: WorkspaceVersion;
  extensionUrn: string;
  policy: WorkspacePolicy;
  /** Bumped by every applied plan; a plan against an older one is stale. */
  revision: number;
  createdAt: string;
  updatedAt: string;
}

/** Ids appear in URLs and logs. */
export const WORKSPACE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
