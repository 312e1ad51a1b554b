export interface SnapshotGrant {
  /** `group`: via a group the user is a direct member of. */
  via: 'direct' | 'group';
  groupId?: string;
  groupName?: string;
  /** Null = default access. */
  appRole: string | null;
}

/** Mapped to the shape a SCIM push produces. */
export interface SnapshotMember {
  /** Okta: AppUser.id, never AppUser.externalId. */
  externalId: string;
  userName: string;
  active: boolean;
  displayName: string | null;
  givenName: string | null;
  familyName: string | null;
  emails: { value: string; type?: string; primary?: boolean }[];
  /** After the value map. */
  roles: string[];
  creditLimit: number | null;
  seatType: string | null;
  attributes: Record<string, string | null>;
  grants: SnapshotGrant[];
}

export interface RemovedMember {
  externalId: string;
  removed: true;
  reason: 'deleted' | 'unassigned' | 'changed';
}
