import type { AppRoleAssignment, GraphDirectory, GraphUser, GroupMember } from './graph-directory.js';
import { decodeSkipToken, encodeSkipToken } from './delta-token.js';
import { badRequest, type GraphResponse, GraphHttpError, notFound } from './graph-errors.js';
import type { SeqList } from './seq-list.js';
import { UserDelta } from './user-delta.js';
import { parseUserSelect, projectUser } from './user-projection.js';

/**
 * The read endpoints of the fake Graph, shared by the HTTPS server and by `$batch` (whose items are the same
 * requests with a relative url). Each route checks the application permission Graph would require, so a test
 * can revoke one and see the connector's 403 message.
 */
export interface RouteRequest {
  method: string;
  /** Path after the version, e.g. `/users/delta`, percent-decoded. */
  path: string;
  query: URLSearchParams;
  /** Lower-case header names. */
  headers: Record<string, string | undefined>;
}

export interface RouteSettings {
  /** https://127.0.0.1:PORT/v1.0, the base of every absolute link the fake emits. */
  base: string;
  /** Largest page the fake serves, whatever `$top` asks (tests shrink it to force paging). */
  pageSizeCap: number;
  deltaPageSize: number;
  emptyFirstDeltaPage: boolean;
  granted: ReadonlySet<string>;
}

/** Application permissions that satisfy each area (least privileged first), per the Graph permission pages. */
const PERMISSIONS = {
  application: ['Application.Read.All', 'Application.ReadWrite.All', 'Directory.Read.All'],
  users: ['User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All'],
  groupMembers: ['GroupMember.Read.All', 'Group.Read.All', 'Directory.Read.All'],
} as const;

const ODATA_TYPE: Record<GroupMember['type'], string> = {
  user: '#microsoft.graph.user',
  group: '#microsoft.graph.group',
  servicePrincipal: '#microsoft.graph.servicePrincipal',
  device: '#microsoft.graph.device',
};

const SP_PROPERTIES = ['id', 'appId', 'displayName', 'appRoles', 'appRoleAssignmentRequired'];
const ASSIGNMENT_PROPERTIES = ['id', 'deletedDateTime', 'appRoleId', 'createdDateTime', 'principalDisplayName', 'principalId', 'principalType', 'resourceDisplayName', 'resourceId'];

export class GraphRoutes {
  private readonly delta: UserDelta;
  private transitiveCache = new Map<string, GroupMember[]>();
  private transitiveVersion = -1;

  constructor(
    private readonly dir: GraphDirectory,
    private readonly settings: () => RouteSettings,
  ) {
    this.delta = new UserDelta(dir);
  }

  handle(req: RouteRequest): GraphResponse {
    try {
      if (req.method !== 'GET') throw new GraphHttpError(405, 'Request_BadRequest', `The fake supports only GET on ${req.path}.`);
      return this.route(req);
    } catch (err) {
      if (err instanceof GraphHttpError) return err.toResponse(req.headers['client-request-id']);
      throw err;
    }
  }

  private route(req: RouteRequest): GraphResponse {
    const s = this.settings();
    const segs = req.path.split('/').filter((p) => p !== '');
    const [head, second, third, fourth] = segs.map((seg, i) => (i === 0 || i === 2 || i === 3 ? seg.toLowerCase() : seg));
    const sp = this.dir.servicePrincipal;
    const spRef = /^serviceprincipals\(appid='([^']+)'\)$/i.exec(segs[0] ?? '');
    if (head === 'serviceprincipals' || spRef) {
      this.require(PERMISSIONS.application);
      const id = spRef ? spRef[1]! : second;
      const rest = spRef ? segs.slice(1).map((x) => x.toLowerCase()) : [third, fourth].filter((x) => x !== undefined);
      if (id !== sp.id && id !== sp.appId) throw notFound(id ?? '');
      if (rest.length === 0) return ok(selectObject(sp, req.query.get('$select'), SP_PROPERTIES, 'microsoft.graph.servicePrincipal'));
      if (rest.length === 1 && rest[0] === 'approleassignedto') {
        const selfUrl = `${s.base}/servicePrincipals/${sp.id}/appRoleAssignedTo`;
        // Principals in deletedItems keep their assignment for a restore but are not listed.
        const live = (a: AppRoleAssignment) => a.principalType !== 'User' || this.dir.user(a.principalId) !== undefined;
        const select = selectedProperties(req.query.get('$select'), ASSIGNMENT_PROPERTIES, 'microsoft.graph.appRoleAssignment');
        return this.listPage(this.dir.assignments, req, selfUrl, live, select ? (a) => pick(a, select) : (a) => ({ ...a }));
      }
    }
    if (head === 'users') {
      this.require(PERMISSIONS.users);
      if (segs.length === 1) return this.listUsers(req, `${s.base}/users`);
      if (segs.length === 2 && second?.toLowerCase() === 'delta') {
        return this.delta.respond(req.query, req.headers.prefer, `${s.base}/users/delta`, { pageSize: s.deltaPageSize, emptyFirstPage: s.emptyFirstDeltaPage });
      }
      const user = this.dir.user(second ?? '');
      if (!user) throw notFound(second ?? '');
      if (segs.length === 2) return ok(projectUser(user, parseUserSelect(req.query.get('$select'))));
      if (segs.length === 3 && (third === 'memberof' || third === 'transitivememberof')) {
        this.require(PERMISSIONS.groupMembers);
        const ids = third === 'memberof' ? this.dir.parentGroups(user.id) : this.ancestors(user.id);
        const groups = ids.map((id) => this.dir.groups.get(id)).filter((g) => g !== undefined);
        const value = groups.map((g) => ({ '@odata.type': '#microsoft.graph.group', id: g.id, displayName: g.displayName }));
        return this.arrayPage(value, req, `${s.base}/users/${user.id}/${segs[2]}`);
      }
    }
    if (head === 'groups' && second) {
      this.require(PERMISSIONS.groupMembers);
      const group = this.dir.groups.get(second);
      if (!group) throw notFound(second);
      if (segs.length === 2) return ok({ id: group.id, displayName: group.displayName });
      if (third === 'members' || third === 'transitivemembers') {
        const cast = fourth ? /^microsoft\.graph\.(user|group|serviceprincipal|device)$/i.exec(fourth)?.[1]?.toLowerCase() : undefined;
        if (fourth && !cast) throw badRequest(`Resource not found for the segment '${segs[3]}'.`);
        if (cast && (req.headers.consistencylevel !== 'eventual' || req.query.get('$count') !== 'true')) {
          // Documented for transitiveMembers casts; enforced for both.
          throw badRequest('Request with $count, $search or a type cast needs ConsistencyLevel: eventual and $count=true.', 'Request_UnsupportedQuery');
        }
        const select = this.memberSelect(req.query.get('$select'));
        const keep = (m: GroupMember) => (m.type !== 'user' || this.dir.user(m.id) !== undefined) && (!cast || m.type.toLowerCase() === cast);
        const selfUrl = `${s.base}/groups/${group.id}/${segs.slice(2).join('/')}`;
        if (third === 'members') return this.listPage(group.members, req, selfUrl, keep, (m) => this.projectMember(m, select));
        return this.arrayPage(this.transitive(group.id).filter(keep).map((m) => this.projectMember(m, select)), req, selfUrl);
      }
    }
    throw new GraphHttpError(400, 'BadRequest', `Resource not found for the segment '${segs[0] ?? ''}'.`);
  }

  private require(any: readonly string[]): void {
    if (!any.some((p) => this.settings().granted.has(p))) {
      throw new GraphHttpError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
    }
  }

  /** Every live user, a page at a time; or, with `$filter`, the users it selects in one collection. */
  private listUsers(req: RouteRequest, selfUrl: string): GraphResponse {
    const select = parseUserSelect(req.query.get('$select'));
    const raw = req.query.get('$filter');
    if (raw === null) return this.listPage(this.dir.users, req, selfUrl, (r) => !r.deleted, (r) => projectUser(r.user, select));
    const filter = parseUserFilter(raw);
    const users = 'ids' in filter ? filter.ids.map((id) => this.dir.user(id)).filter((u) => u !== undefined) : this.usersWhere(filter.property, filter.value);
    const context = `${this.settings().base}/$metadata#users${select ? `(${select.join(',')})` : ''}`;
    return ok({ '@odata.context': context, value: users.map((u) => projectUser(u, select)) });
  }

  /** Live users whose `property` equals `value`, compared case-insensitively as Graph compares directory strings. */
  private usersWhere(property: FilterableUserProperty, value: string): GraphUser[] {
    const wanted = value.toLowerCase();
    const out: GraphUser[] = [];
    for (const { user, deleted } of this.dir.users.values()) {
      const actual = user[property];
      if (!deleted && typeof actual === 'string' && actual.toLowerCase() === wanted) out.push(user);
    }
    return out;
  }

  private listPage<T>(list: SeqList<T>, req: RouteRequest, selfUrl: string, keep: (item: T) => boolean, map: (item: T) => unknown): GraphResponse {
    const size = Math.min(parseTop(req.query.get('$top')), this.settings().pageSizeCap);
    const { items, next } = list.page(decodeSkipToken(req.query.get('$skiptoken')), size, keep);
    return listBody(items.map(map), next === null ? null : linkWith(selfUrl, req.query, encodeSkipToken(next)));
  }

  private arrayPage(all: unknown[], req: RouteRequest, selfUrl: string): GraphResponse {
    const size = Math.min(parseTop(req.query.get('$top')), this.settings().pageSizeCap);
    const from = decodeSkipToken(req.query.get('$skiptoken'));
    const end = from + size;
    return listBody(all.slice(from, end), end < all.length ? linkWith(selfUrl, req.query, encodeSkipToken(end)) : null);
  }

  private memberSelect(raw: string | null): string[] | null {
    if (raw === null) return null;
    return raw.split(',').map((p) => p.trim()).filter((p) => p !== '');
  }

  private projectMember(m: GroupMember, select: string[] | null): Record<string, unknown> {
    const type = { '@odata.type': ODATA_TYPE[m.type] };
    if (m.type === 'user') {
      const userSelect = select?.filter((p) => p !== '@odata.type') ?? null;
      return { ...type, ...projectUser(this.dir.user(m.id)!, userSelect) };
    }
    const displayName = m.type === 'group' ? this.dir.groups.get(m.id)?.displayName : this.dir.otherObjects.get(m.id)?.displayName;
    const full: Record<string, unknown> = { id: m.id, displayName: displayName ?? null };
    return { ...type, ...(select ? Object.fromEntries(Object.entries(full).filter(([k]) => k === 'id' || select.includes(k))) : full) };
  }

  /** Flattened nested membership, cached per directory version so paging a 100,000-member group stays linear. */
  private transitive(groupId: string): GroupMember[] {
    if (this.transitiveVersion !== this.dir.version) {
      this.transitiveCache = new Map();
      this.transitiveVersion = this.dir.version;
    }
    const cached = this.transitiveCache.get(groupId);
    if (cached) return cached;
    const seen = new Set<string>([groupId]);
    const out: GroupMember[] = [];
    const stack = [groupId];
    while (stack.length > 0) {
      for (const m of this.dir.groups.get(stack.pop()!)?.members.values() ?? []) {
        if (seen.has(m.id)) continue;
        seen.add(m.id);
        out.push(m);
        if (m.type === 'group') stack.push(m.id);
      }
    }
    this.transitiveCache.set(groupId, out);
    return out;
  }

  private ancestors(memberId: string): string[] {
    const seen = new Set<string>();
    const stack = [...this.dir.parentGroups(memberId)];
    while (stack.length > 0) {
      const id = stack.pop()!;
      if (seen.has(id)) continue;
      seen.add(id);
      stack.push(...this.dir.parentGroups(id));
    }
    return [...seen];
  }
}

const ok = (body: unknown): GraphResponse => ({ status: 200, body });

function listBody(value: unknown[], nextLink: string | null): GraphResponse {
  return ok(nextLink === null ? { value } : { '@odata.nextLink': nextLink, value });
}

/** `$top`: 1–999, default 100. */
function parseTop(raw: string | null): number {
  if (raw === null) return 100;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 999) throw badRequest(`Invalid page size specified: '${raw}'. Must be between 1 and 999 inclusive.`);
  return n;
}

/** The user string properties the fake filters on with `eq` (Graph filters on many more). */
const FILTERABLE_USER_PROPERTIES = ['userPrincipalName', 'mail', 'employeeId'] as const;
type FilterableUserProperty = (typeof FILTERABLE_USER_PROPERTIES)[number];

/** A `$filter` on /users the fake serves: ids (`id eq`, `id in (…)`), or one string property `eq` a value. */
type UserFilter = { ids: string[] } | { property: FilterableUserProperty; value: string };

/** An OData string literal: `'…'`, where `''` stands for one single quote. */
const LITERAL = "'((?:[^']|'')*)'";
const unquote = (body: string): string => body.replace(/''/g, "'");

/**
 * `id eq 'a'`, `id in ('a','b')` (at most 15 values), or `<property> eq '…'` for a property in
 * FILTERABLE_USER_PROPERTIES. Any other property is a 400 as Graph answers one it cannot filter on; anything else
 * is a 400 Request_UnsupportedQuery.
 */
function parseUserFilter(filter: string): UserFilter {
  const eq = new RegExp(`^\\s*(\\w+)\\s+eq\\s+${LITERAL}\\s*$`, 'i').exec(filter);
  if (eq) {
    const [name, value] = [eq[1]!, unquote(eq[2]!)];
    if (name.toLowerCase() === 'id') return { ids: [value] };
    const property = FILTERABLE_USER_PROPERTIES.find((p) => p.toLowerCase() === name.toLowerCase());
    if (!property) throw badRequest(`Unsupported or invalid query filter clause specified for property '${name}' of resource 'User'.`, 'Request_UnsupportedQuery');
    return { property, value };
  }
  const inMatch = /^\s*id\s+in\s*\((.*)\)\s*$/i.exec(filter);
  if (!inMatch) throw badRequest(`Unsupported query: $filter=${filter}`, 'Request_UnsupportedQuery');
  const list = inMatch[1]!;
  if (!new RegExp(`^\\s*${LITERAL}(\\s*,\\s*${LITERAL})*\\s*$`).test(list)) throw badRequest(`Invalid filter clause: ${filter}`);
  const ids = [...list.matchAll(new RegExp(LITERAL, 'g'))].map((m) => unquote(m[1]!));
  if (ids.length > 15) {
    throw badRequest(`Too many child clauses specified in search filter expression containing 'OR' operators: ${ids.length}. Max allowed: 15.`, 'Request_UnsupportedQuery');
  }
  return { ids };
}

/** An absolute nextLink keeping the first request's parameters, with `$` left literal as Graph writes them. */
function linkWith(selfUrl: string, query: URLSearchParams, skipToken: string): string {
  const parts: string[] = [];
  for (const [k, v] of query) if (k !== '$skiptoken') parts.push(`${k}=${encodeQueryValue(v)}`);
  parts.push(`$skiptoken=${skipToken}`);
  return `${selfUrl}?${parts.join('&')}`;
}

function encodeQueryValue(value: string): string {
  return encodeURIComponent(value).replace(/%2C/g, ',').replace(/%27/g, "'").replace(/%28/g, '(').replace(/%29/g, ')');
}

function selectObject(obj: object, rawSelect: string | null, known: readonly string[], type: string): Record<string, unknown> {
  const select = selectedProperties(rawSelect, known, type);
  // A deep copy: a caller must not reach the directory's own objects.
  return JSON.parse(JSON.stringify(select ? pick(obj, select) : obj)) as Record<string, unknown>;
}

/** `$select`'s properties (null when absent); one Graph does not know is a 400, as Graph answers it. */
function selectedProperties(rawSelect: string | null, known: readonly string[], type: string): string[] | null {
  const select = rawSelect?.split(',').map((p) => p.trim()).filter((p) => p !== '') ?? null;
  for (const p of select ?? []) if (!known.includes(p)) throw badRequest(`Could not find a property named '${p}' on type '${type}'.`);
  return select;
}

/** `id` and the selected properties of a flat object, in the object's own order. */
function pick(obj: object, select: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) if (k === 'id' || select.includes(k)) out[k] = v;
  return out;
}
