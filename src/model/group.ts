export interface Group {
  id: string;
  workspaceId: string;
  externalId: string | null;
  /** As the IdP sent it; SCIM uses this. */
  displayName: string;
  /** The workspace's prefix + displayName, as the app shows it. */
  appName: string;
  lastSource: string;
  /** Binding that manages this group; null when pushed. */
  managedBy: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface GroupFields {
  externalId: string | null;
  displayName: string;
}

/** A group as the User resource's read-only `groups` attribute lists it. */
export interface GroupRef {
  value: string;
  display: string;
}

export interface GroupMemberRef {
  value: string;
  display?: string;
}
