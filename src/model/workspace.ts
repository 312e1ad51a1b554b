import type { WorkspacePolicy } from './workspace-policy.js';

export type WorkspaceVersion = 'v1' | 'v2';

export interface Workspace {
  /** The string in the SCIM URL: /scim/v2/organizations/{id}. */
  id: string;
  name: string;
  /** v1: seats with capacity; v2: roles and credit limits. */
  version: WorkspaceVersion;
  /** The schema-extension URN whose role / creditLimit / seatType attributes this workspace accepts. */
  extensionUrn: string;
  policy: WorkspacePolicy;
  /** Store revision: bumped by every applied plan; a plan computed against an older one is stale. */
  revision: number;
  createdAt: string;
  updatedAt: string;
}

/** Workspace ids appear in URLs and logs: keep them to a safe, readable alphabet. */
export const WORKSPACE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
