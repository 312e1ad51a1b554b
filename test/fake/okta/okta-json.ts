import type { EffectiveAppUser, FakeApp, FakeGroup, FakeGroupAssignment, FakeUser } from './okta-directory.js';

/**
 * The JSON shapes of Okta resources (spec examples `AppUserListEx`, `GroupAssignmentExListResponse`, User,
 * Application), with dates as `YYYY-MM-DDTHH:mm:ss.SSSZ` (O8) and `_links.self.href` on single resources (O7).
 */
const isoCache = new Map<number, string>();
/** Memoised: a page of 500 app users renders ~10 timestamps each, mostly the same few milliseconds. */
export function iso(ms: number): string {
  let text = isoCache.get(ms);
  if (text === undefined) {
    if (isoCache.size > 50_000) isoCache.clear();
    text = new Date(ms).toISOString();
    isoCache.set(ms, text);
  }
  return text;
}

export function userJson(u: FakeUser, origin: string): Record<string, unknown> {
  return {
    id: u.id,
    status: u.status,
    created: iso(u.created),
    activated: u.activated === null ? null : iso(u.activated),
    statusChanged: iso(u.statusChanged),
    lastLogin: null,
    lastUpdated: iso(u.lastUpdated),
    passwordChanged: null,
    type: { id: 'otyFakeDefaultType01' },
    profile: { mobilePhone: null, secondEmail: null, ...u.profile },
    credentials: { password: {}, provider: { type: 'OKTA', name: 'OKTA' } },
    _links: { self: { href: `${origin}/api/v1/users/${u.id}` } },
  };
}

/**
 * `externalId` is the user's id in the target app, never the Okta user id. The fake fills it with
 * an id that looks like an Okta user id but is not, so a connector keyed on it fails loudly in tests.
 */
function targetAppId(userId: string): string {
  return '00u' + [...userId.slice(3)].reverse().join('') + 'T';
}

export function appUserJson(au: EffectiveAppUser, app: FakeApp, origin: string, expandUser: boolean): Record<string, unknown> {
  const json: Record<string, unknown> = {
    id: au.user.id,
    externalId: targetAppId(au.user.id),
    created: iso(au.created),
    lastUpdated: iso(au.lastUpdated),
    scope: au.scope,
    status: 'PROVISIONED',
    statusChanged: iso(au.created),
    passwordChanged: null,
    syncState: 'SYNCHRONIZED',
    lastSync: iso(au.lastUpdated),
    credentials: { userName: au.userName },
    profile: au.profile,
    _links: {
      app: { href: `${origin}/api/v1/apps/${app.id}` },
      user: { href: `${origin}/api/v1/users/${au.user.id}` },
      self: { href: `${origin}/api/v1/apps/${app.id}/users/${au.user.id}` },
    },
  };
  if (expandUser) json._embedded = { user: userJson(au.user, origin) };
  return json;
}

export function groupJson(g: FakeGroup, origin: string): Record<string, unknown> {
  return {
    id: g.id,
    created: iso(g.created),
    lastUpdated: iso(g.lastUpdated),
    lastMembershipUpdated: iso(g.lastUpdated),
    objectClass: ['okta:user_group'],
    type: 'OKTA_GROUP',
    profile: { name: g.name, description: null },
    _links: {
      self: { href: `${origin}/api/v1/groups/${g.id}` },
      users: { href: `${origin}/api/v1/groups/${g.id}/users` },
      apps: { href: `${origin}/api/v1/groups/${g.id}/apps` },
    },
  };
}

export function groupAssignmentJson(ga: FakeGroupAssignment, group: FakeGroup | undefined, app: FakeApp, origin: string, expandGroup: boolean): Record<string, unknown> {
  const json: Record<string, unknown> = {
    id: ga.groupId,
    lastUpdated: iso(ga.lastUpdated),
    priority: ga.priority,
    profile: ga.profile,
    _links: {
      app: { href: `${origin}/api/v1/apps/${app.id}` },
      self: { href: `${origin}/api/v1/apps/${app.id}/groups/${ga.groupId}` },
      group: { href: `${origin}/api/v1/groups/${ga.groupId}` },
    },
  };
  if (expandGroup && group) json._embedded = { group: groupJson(group, origin) };
  return json;
}

export function appJson(app: FakeApp, origin: string): Record<string, unknown> {
  const base = `${origin}/api/v1/apps/${app.id}`;
  return {
    id: app.id,
    orn: `orn:okta:idp:fake:apps:${app.name}:${app.id}`,
    name: app.name,
    label: app.label,
    status: 'ACTIVE',
    lastUpdated: iso(app.created),
    created: iso(app.created),
    accessibility: { selfService: false, errorRedirectUrl: null, loginRedirectUrl: null },
    visibility: { autoSubmitToolbar: false, hide: { iOS: false, web: false }, appLinks: {} },
    features: ['PUSH_NEW_USERS', 'PUSH_PROFILE_UPDATES'],
    signOnMode: 'BOOKMARK',
    credentials: { userNameTemplate: { template: '${source.login}', type: 'BUILT_IN' }, signing: {} },
    settings: { app: { url: 'https://rosterd.example/' }, notifications: { vpn: { network: { connection: 'DISABLED' } } } },
    _links: { self: { href: base }, users: { href: `${base}/users` }, groups: { href: `${base}/groups` } },
  };
}
