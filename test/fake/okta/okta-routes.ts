import type { OktaDirectory } from './okta-directory.js';
import { oktaErrors } from './okta-errors.js';
import type { OktaRoute } from './okta-faults.js';
import { appJson, appUserJson, groupAssignmentJson, groupJson, iso, userJson } from './okta-json.js';
import { decodeCursor, encodeCursor, LIMITS, linkHeader, nextQuery, pageLimit, pageOf, type LimitRule } from './okta-paging.js';
import { parseLogFilter } from './system-log-filter.js';
import { renderLogEvent } from './system-log.js';

/**
 * The read endpoints the connector uses, answered from the directory with Okta's shapes and paging:
 * app, app users (`expand=user`), one app user, app group assignments (`expand=group`), group members,
 * user, user's groups, and the System Log (polling: a `next` link on every page, even an empty one).
 */
export interface RouteContext {
  directory: OktaDirectory;
  origin: string;
  pageSizeCap: number | null;
  now: number;
}

export interface ApiResult {
  body: unknown;
  link: string | null;
}

const DAY_MS = 86_400_000;
/** ISO 8601 as Okta takes it; a `Date.toString()` value must fail here, not be parsed leniently. */
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

function segment(url: URL, index: number): string {
  return decodeURIComponent(url.pathname.split('/')[index]!);
}

function checkApp(ctx: RouteContext, appId: string): void {
  if (appId !== ctx.directory.app.id) throw oktaErrors.notFound(`${appId} (AppInstance)`);
}

/** One page of a sorted id list, rendered, with `self` and (while more) `next` links. */
function listPage(ctx: RouteContext, url: URL, ids: readonly string[], rule: LimitRule, render: (id: string) => unknown): ApiResult {
  const q = url.searchParams;
  const limit = pageLimit(q.get('limit'), rule, ctx.pageSizeCap);
  const page = pageOf(ids, q.get('after'), limit);
  const next = page.nextAfter === null ? null : nextQuery(q, page.nextAfter);
  return { body: page.ids.map(render), link: linkHeader(ctx.origin, url.pathname, q, next) };
}

function parseTime(name: string, raw: string): number {
  if (!ISO_8601.test(raw)) throw oktaErrors.validation(`${name}: '${raw}' is not a valid ISO 8601 date-time`);
  return Date.parse(raw);
}

function logs(ctx: RouteContext, url: URL): ApiResult {
  const q = url.searchParams;
  const since = q.get('since');
  const after = q.get('after');
  const until = q.get('until');
  if (since !== null && after !== null) throw oktaErrors.validation('since and after are mutually exclusive');
  if ((q.get('sortOrder') ?? 'ASCENDING') !== 'ASCENDING') throw oktaErrors.validation('the fake serves sortOrder=ASCENDING only');
  const sinceMs = since !== null ? parseTime('since', since) : after === null ? ctx.now - 7 * DAY_MS : undefined;
  if (sinceMs !== undefined && sinceMs < ctx.now - 180 * DAY_MS) throw oktaErrors.invalidParameter('The since parameter is over 180 days prior to the current day.');
  let position: number | undefined;
  if (after !== null) {
    const decoded = /^pos:(\d+)$/.exec(decodeCursor(after));
    if (!decoded) throw oktaErrors.validation(`after: '${after}' is not a valid cursor`);
    position = Number(decoded[1]);
  }
  const filter = q.get('filter');
  const page = ctx.directory.log.query({
    ...(sinceMs !== undefined ? { since: sinceMs } : {}),
    ...(position !== undefined ? { position } : {}),
    ...(until !== null ? { until: parseTime('until', until) } : {}),
    limit: pageLimit(q.get('limit'), LIMITS.logs, ctx.pageSizeCap),
    predicate: filter ? parseLogFilter(filter) : () => true,
  });
  // A polling query (no `until`) always links onward, even from an empty page; a bounded one only while more.
  const next = until === null || page.more ? nextQuery(q, encodeCursor(`pos:${page.nextPosition}`)) : null;
  return { body: page.events.map((e) => renderLogEvent(e, iso)), link: linkHeader(ctx.origin, url.pathname, q, next) };
}

export function handleApi(route: OktaRoute, url: URL, ctx: RouteContext): ApiResult {
  const dir = ctx.directory;
  const q = url.searchParams;
  switch (route) {
    case 'app': {
      checkApp(ctx, segment(url, 4));
      return { body: appJson(dir.app, ctx.origin), link: null };
    }
    case 'appUsers': {
      checkApp(ctx, segment(url, 4));
      const expandUser = q.get('expand') === 'user';
      let ids = dir.appUserIds();
      const term = q.get('q')?.toLowerCase();
      if (term) {
        // startsWith on userName, firstName, lastName, email (spec `q`)
        ids = ids.filter((id) => {
          const au = dir.appUser(id)!;
          return [au.userName, au.profile.firstName, au.profile.lastName, au.profile.email].some((v) => typeof v === 'string' && v.toLowerCase().startsWith(term));
        });
      }
      return listPage(ctx, url, ids, LIMITS.appUsers, (id) => appUserJson(dir.appUser(id)!, dir.app, ctx.origin, expandUser));
    }
    case 'appUser': {
      checkApp(ctx, segment(url, 4));
      const userId = segment(url, 6);
      const au = dir.appUser(userId);
      if (!au) throw oktaErrors.notFound(`${userId} (AppUser)`);
      return { body: appUserJson(au, dir.app, ctx.origin, q.get('expand') === 'user'), link: null };
    }
    case 'appGroups': {
      checkApp(ctx, segment(url, 4));
      const expandGroup = q.get('expand') === 'group';
      return listPage(ctx, url, dir.groupAssignmentIds(), LIMITS.appGroups, (id) =>
        groupAssignmentJson(dir.groupAssignments.get(id)!, dir.groups.get(id), dir.app, ctx.origin, expandGroup),
      );
    }
    case 'groupUsers': {
      const groupId = segment(url, 4);
      if (!dir.groups.has(groupId)) throw oktaErrors.notFound(`${groupId} (UserGroup)`);
      return listPage(ctx, url, dir.groupMemberIds(groupId), LIMITS.groupUsers, (id) => userJson(dir.users.get(id)!, ctx.origin));
    }
    case 'user': {
      const key = segment(url, 4);
      const user = dir.userByIdOrLogin(key);
      if (!user) throw oktaErrors.notFound(`${key} (User)`);
      return { body: userJson(user, ctx.origin), link: null };
    }
    case 'userGroups': {
      const key = segment(url, 4);
      const user = dir.userByIdOrLogin(key);
      if (!user) throw oktaErrors.notFound(`${key} (User)`);
      const groups = new Map(dir.groupsOf(user.id).map((g) => [g.id, g]));
      return listPage(ctx, url, [...groups.keys()], LIMITS.userGroups, (id) => groupJson(groups.get(id)!, ctx.origin));
    }
    case 'logs':
      return logs(ctx, url);
    default:
      throw oktaErrors.notFound(`${url.pathname} (Endpoint)`);
  }
}
