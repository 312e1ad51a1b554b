/** One assigned person as the IdP reports it, mapped to the shape a SCIM push produces. */
export interface SnapshotGrant {
  /** `group`: assigned via a group the user is a direct member of. */
  via: 'direct' | 'group';
  groupId?: string;
  groupName?: string;
  /** Null = default access. */
  appRole: string | null;
}

export interface SnapshotMember {
  /** Okta: AppUser.id, never AppUser.externalId. */
  externalId: string;
  userName: string;
  active: boolean;
  displayName: string | null;
  givenName: string | null;
  familyName: string | null;
  emails: { value: string; type?: string; primary?: boolean }[];
  /** Workspace roles after the value map: one for `single` resolution, all for `all`. */
  roles: string[];
  creditLimit: number | null;
  seatType: string | null;
  attributes: Record<string, string | null>;
  /** Every assignment that grants access. */
  grants: SnapshotGrant[];
}

export interface RemovedMember {
  externalId: string;
  removed: true;
  reason: 'deleted' | 'unassigned' | 'changed';
}
