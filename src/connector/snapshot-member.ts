/**
 * One assigned person as an IdP says it, in the shape a SCIM push produces: the connector reads, maps with the
 * workspace binding's declarative mapping, and hands the reconciler this. The reconciler turns it into member
 * fields with the same role resolution and policy as push.
 */
export interface SnapshotGrant {
  /** `direct`: the user is assigned; `group`: a group the user is a direct member of is assigned. */
  via: 'direct' | 'group';
  groupId?: string;
  groupName?: string;
  /** The app role's value as the IdP defines it (Entra appRole.value, Okta app-user profile role); null = default access. */
  appRole: string | null;
}

export interface SnapshotMember {
  /** Entra user object id, or the Okta user id (AppUser.id, never AppUser.externalId). */
  externalId: string;
  userName: string;
  active: boolean;
  displayName: string | null;
  givenName: string | null;
  familyName: string | null;
  emails: { value: string; type?: string; primary?: boolean }[];
  /**
   * The workspace role(s) after the binding's value map: one role for `single` resolution (Entra's
   * SingleAppRoleAssignment, by precedence), all of them for `all` (AppRoleAssignmentsComplex).
   */
  roles: string[];
  creditLimit: number | null;
  seatType: string | null;
  /** Other mapped profile attributes, by member field name (locale, department, title, …). */
  attributes: Record<string, string | null>;
  /** Why this person is a member: every assignment that grants access. */
  grants: SnapshotGrant[];
}

/** A member that an incremental read saw disappear (Entra `@removed`, Okta unassignment). */
export interface RemovedMember {
  externalId: string;
  removed: true;
  reason: 'deleted' | 'unassigned' | 'changed';
}
