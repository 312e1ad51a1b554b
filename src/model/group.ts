export interface Group {
  id: string;
  workspaceId: string;
  externalId: string | null;
  /** As the IdP sent it. */
  displayName: string;
  /** With the workspace's prefix, as the app shows it. */
  appName: string;
  lastSource: string;
  /** Null when pushed. */
  managedBy: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface GroupFields {
  externalId: string | null;
  displayName: string;
}

/** An entry of the User's read-only `groups`. */
export interface GroupRef {
  value: string;
  display: string;
}

export interface GroupMemberRef {
  value: string;
  display?: string;
}
