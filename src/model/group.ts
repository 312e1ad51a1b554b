export interface Group {
  id: string;
  workspaceId: string;
  /** The IdP's own group id (Entra object id, Okta group id). */
  externalId: string | null;
  /** As the IdP sent it; SCIM filters and responses use this. */
  displayName: string;
  /** What the app shows: the workspace's prefix + displayName. */
  appName: string;
  lastSource: string;
  /** The connector binding that manages this group; null when pushed. */
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
  /** Membership id. */
  value: string;
  display?: string;
}
