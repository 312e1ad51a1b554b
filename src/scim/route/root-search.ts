import type { FastifyInstance } from 'fastify';
import type { Expression, SqlBool } from 'kysely';
import { listGroups } from '../../store/group-repository.js';
import type { ListPage } from '../../store/list-page.js';
import { listMembers } from '../../store/member-repository.js';
import type { JsonObject } from '../json-object.js';
import { normalizeScimRequest } from '../compat/normalize-request.js';
import { compileFilter, compileSortBy } from '../filter/compile-filter.js';
import type { FilterCatalog } from '../filter/filter-catalog.js';
import { groupFilterCatalog } from '../filter/group-filter-catalog.js';
import { parseFilter } from '../filter/parse-filter.js';
import { renderGroups } from '../group-resources.js';
import { inHeavyTurn, offLoopRead } from '../heavy-read.js';
import { parseListRequest, type ListRequest } from '../list-request.js';
import { assertKnownSomewhere, filterForType, type SearchedType, type TypeFilter } from '../resource-type-filter.js';
import { scimContext, type ScimContext } from '../scim-context.js';
import { SCIM_CONTENT_TYPE } from '../scim-error-handler.js';
import { invalidValue } from '../scim-error.js';
import { URN } from '../scim-urn.js';
import { renderUsers, userCatalog } from '../user-resources.js';
import { boundedListResponse } from './list-response.js';
import { bodyObject } from './route-support.js';

interface RootType extends SearchedType {
  catalog: FilterCatalog;
  page(ctx: ScimContext, where: Expression<SqlBool> | undefined, window: ListPage, list: ListRequest): Promise<{ total: number; resources: JsonObject[] }>;
}

function userType(ctx: ScimContext): RootType {
  const catalog = userCatalog(ctx.workspace);
  return {
    name: 'User',
    schema: URN.user,
    catalog,
    knows: (path) => catalog.resolve(path) !== undefined,
    async page(ctx, where, window, list) {
      const { total, members } = await offLoopRead(ctx, (db) => listMembers(db, ctx.workspace.id, where, window));
      return { total, resources: await renderUsers(ctx, members, list) };
    },
  };
}

function groupType(): RootType {
  const catalog = groupFilterCatalog();
  return {
    name: 'Group',
    schema: URN.group,
    catalog,
    knows: (path) => catalog.resolve(path) !== undefined,
    async page(ctx, where, window, list) {
      const { total, groups } = await offLoopRead(ctx, (db) => listGroups(db, ctx.workspace.id, where, window));
      return { total, resources: await renderGroups(ctx, groups, list) };
    },
  };
}

/**
 * A search at the service root covers Users then Groups, paged as one list. A filter on `schemas` or
 * `meta.resourceType` picks the types; otherwise each type gets the part of the filter it can answer. sortBy needs
 * a filter that selects one type.
 */
async function rootSearch(ctx: ScimContext, list: ListRequest): Promise<string> {
  const types = [userType(ctx), groupType()];
  const ast = list.filter ? parseFilter(list.filter, ctx.budgets) : undefined;
  if (ast) assertKnownSomewhere(ast, types);
  const searched = types
    .map((type) => ({ type, filter: (ast ? filterForType(ast, type) : true) as TypeFilter }))
    .filter((entry) => entry.filter !== false);
  if (list.sortBy && searched.length > 1) {
    throw invalidValue('sortBy at the service root needs a filter that selects one resource type, such as meta.resourceType eq "User"; or search /Users/.search or /Groups/.search');
  }
  let offset = list.startIndex - 1;
  let room = list.count;
  let total = 0;
  const resources: JsonObject[] = [];
  for (const { type, filter } of searched) {
    const where = filter === true ? undefined : compileFilter(filter as Exclude<TypeFilter, boolean>, type.catalog, ctx.store.dialect, ctx.budgets);
    const sortColumn = list.sortBy ? compileSortBy(list.sortBy, type.catalog) : undefined;
    const page = await type.page(ctx, where, { offset, limit: room, descending: list.descending, ...(sortColumn ? { sortColumn } : {}) }, list);
    total += page.total;
    resources.push(...page.resources);
    room -= page.resources.length;
    offset = Math.max(0, offset - page.total);
  }
  return boundedListResponse(total, list.startIndex, resources, ctx.budgets.responseBytes);
}

export async function rootSearchRoutes(app: FastifyInstance): Promise<void> {
  app.post('/.search', async (request, reply) => {
    const ctx = scimContext(request);
    const { body } = normalizeScimRequest({ method: request.method, resourceType: null, body: request.body, query: {} });
    reply.code(200).type(SCIM_CONTENT_TYPE);
    const list = parseListRequest(bodyObject(body), ctx.limits);
    // All pages and group members are read in one workspace turn.
    return inHeavyTurn(ctx, () => rootSearch(ctx, list));
  });
}
