import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Kysely } from 'kysely';
import { groupChanges } from '../../reconcile/group-changes.js';
import { apply } from '../../reconcile/apply.js';
import type { Group, GroupFields } from '../../model/group.js';
import type { Database } from '../../store/database.js';
import {
  findGroupByDisplayName,
  findGroupByExternalId,
  findGroupById,
  listGroups,
  memberIdsAmong,
  memberIdsOfGroup,
} from '../../store/group-repository.js';
import { existingMemberIds } from '../../store/member-repository.js';
import { getValue } from '../json-object.js';
import { checkIfMatch, etagOf, isNotModified } from '../etag.js';
import { compileFilter, compileSortBy } from '../filter/compile-filter.js';
import { groupFilterCatalog } from '../filter/group-filter-catalog.js';
import { parseFilter } from '../filter/parse-filter.js';
import { applyMemberChanges, checkGroupMembers, compileMemberOps, namedMembers, memberValuesOfBody, memberValuesOfPatch, membersChanged, splitMemberOps } from '../group-member-ops.js';
import { groupFromScim, groupToScim, type GroupInput } from '../group-mapper.js';
import { parseListRequest, type ListRequest } from '../list-request.js';
import { wantsAttribute } from '../projection.js';
import { applyPatch } from '../patch/apply-patch.js';
import { scimContext, type ScimContext } from '../scim-context.js';
import { SCIM_CONTENT_TYPE } from '../scim-error-handler.js';
import { invalidValue, notFound, uniqueness } from '../scim-error.js';
import { GROUP_SCHEMAS } from '../schema/workspace-schemas.js';
import { valueExcerpt } from '../../model/value-excerpt.js';
import { boundedListResponse } from './list-response.js';
import { inHeavyTurn, offLoopRead } from '../heavy-read.js';
import { renderGroups } from '../group-resources.js';
import { bodyObject, failedWrite, normalizedRequest, scimWrite } from './route-support.js';
import { checkPatchOperations, patchOperations } from './patch-request.js';

type IdParams = { Params: { id: string } };
type Projection = Pick<ListRequest, 'attributes' | 'excludedAttributes'>;

const groupNotFound = (id: string) => notFound(`no Group with id ${valueExcerpt(id)} in this workspace`);

async function listGroupsResponse(ctx: ScimContext, list: ListRequest): Promise<string> {
  const catalog = groupFilterCatalog();
  const where = list.filter ? compileFilter(parseFilter(list.filter, ctx.budgets), catalog, ctx.store.dialect, ctx.budgets) : undefined;
  const sortColumn = list.sortBy ? compileSortBy(list.sortBy, catalog) : undefined;
  return inHeavyTurn(ctx, async () => {
    const window = { offset: list.startIndex - 1, limit: list.count, ...(sortColumn ? { sortColumn } : {}), descending: list.descending };
    const { total, groups } = await offLoopRead(ctx, (db) => listGroups(db, ctx.workspace.id, where, window));
    return boundedListResponse(total, list.startIndex, await renderGroups(ctx, groups, list), ctx.budgets.responseBytes);
  });
}

async function sendGroup(ctx: ScimContext, reply: FastifyReply, id: string, status: number, projection: Projection = { attributes: [], excludedAttributes: [] }) {
  const group = await findGroupById(ctx.store.db, ctx.workspace.id, id);
  if (!group) throw groupNotFound(id);
  const [resource] = await renderGroups(ctx, [group], projection);
  reply.code(status).type(SCIM_CONTENT_TYPE).header('etag', etagOf(group.version));
  if (status === 201) reply.header('location', `${ctx.baseUrl}/Groups/${group.id}`);
  return resource;
}

async function assertUnique(db: Kysely<Database>, ctx: ScimContext, fields: GroupFields, selfId: string | null) {
  const byName = await findGroupByDisplayName(db, ctx.workspace.id, fields.displayName);
  if (byName && byName.id !== selfId) throw uniqueness(`a Group named ${valueExcerpt(fields.displayName)} already exists in this workspace (id ${byName.id})`);
  if (fields.externalId !== null) {
    const byExternal = await findGroupByExternalId(db, ctx.workspace.id, fields.externalId);
    if (byExternal && byExternal.id !== selfId) throw uniqueness(`externalId ${valueExcerpt(fields.externalId)} is already used by Group ${byExternal.id}`);
  }
}

/** Every added member id must be a member of this workspace; the detail lists the missing ones. */
async function memberNames(db: Kysely<Database>, ctx: ScimContext, ids: Iterable<string>): Promise<Map<string, string>> {
  const wanted = [...new Set(ids)];
  const found = await existingMemberIds(db, ctx.workspace.id, wanted);
  const missing = wanted.filter((id) => !found.has(id));
  if (missing.length > 0) {
    const shown = missing.slice(0, 5).map((id) => valueExcerpt(id)).join(', ');
    throw invalidValue(`members: ${missing.length} id${missing.length === 1 ? ' is' : 's are'} not Users of this workspace (${shown}${missing.length > 5 ? ', …' : ''}); provision the users before adding them to the group`);
  }
  return found;
}


async function loadForWrite(db: Kysely<Database>, ctx: ScimContext, id: string, ifMatch: string | undefined): Promise<Group> {
  const current = await findGroupById(db, ctx.workspace.id, id);
  if (!current) throw groupNotFound(id);
  checkIfMatch(ifMatch, current.version);
  return current;
}

/**
 * Plans and writes a group's new fields and/or member set (null keeps them). With `named` (a request that only adds
 * and removes the members it names), `decide` sees just those current members, so a large group is never read.
 */
async function writeGroup(
  ctx: ScimContext,
  operation: string,
  id: string | null,
  ifMatch: string | undefined,
  decide: (current: Group | null, currentMembers: Set<string>) => { fields: GroupFields | null; members: Set<string> | null },
  named: ReadonlySet<string> | null = null,
): Promise<string> {
  const outcome = await apply(ctx.store, ctx.workspace.id, async (trx, workspace) => {
    const current = id === null ? null : await loadForWrite(trx, ctx, id, ifMatch);
    const currentMembers = !current ? new Set<string>() : named ? await memberIdsAmong(trx, current.id, named) : await memberIdsOfGroup(trx, current.id);
    const { fields, members } = decide(current, currentMembers);
    // A replace or remove-all changes every member, so the budget bounds it too.
    if (members) checkGroupMembers(membersChanged(currentMembers, members), ctx.budgets, 'the group members this request adds and removes');
    if (fields) await assertUnique(trx, ctx, fields, current?.id ?? null);
    const added = members ? [...members].filter((m) => !currentMembers.has(m)) : [];
    const names = await memberNames(trx, ctx, added);
    const changes = groupChanges(workspace, current, fields, currentMembers, members, (m) => names.get(m) ?? m);
    const groupId = current?.id ?? changes[0]!.targetId;
    return { changes, value: groupId };
  }, scimWrite(ctx, failedWrite('group', operation, id, null)));
  return outcome.value;
}

export async function groupRoutes(app: FastifyInstance): Promise<void> {
  app.get('/Groups', async (request, reply) => {
    const ctx = scimContext(request);
    reply.type(SCIM_CONTENT_TYPE);
    return listGroupsResponse(ctx, parseListRequest(normalizedRequest(request, 'Group').query, ctx.limits));
  });

  app.post('/Groups/.search', async (request, reply) => {
    const ctx = scimContext(request);
    reply.code(200).type(SCIM_CONTENT_TYPE);
    return listGroupsResponse(ctx, parseListRequest(bodyObject(normalizedRequest(request, 'Group').body), ctx.limits));
  });

  app.get<IdParams>('/Groups/:id', async (request, reply) => {
    const ctx = scimContext(request);
    const list = parseListRequest(normalizedRequest(request, 'Group').query, ctx.limits);
    const group = await findGroupById(ctx.store.db, ctx.workspace.id, request.params.id);
    if (!group) throw groupNotFound(request.params.id);
    if (isNotModified(request.headers['if-none-match'], group.version)) return reply.code(304).header('etag', etagOf(group.version)).send();
    // Members can be tens of thousands: an expensive read, done in a workspace turn.
    return wantsAttribute(list, 'members') ? inHeavyTurn(ctx, () => sendGroup(ctx, reply, group.id, 200, list)) : sendGroup(ctx, reply, group.id, 200, list);
  });

  app.post('/Groups', async (request, reply) => {
    const ctx = scimContext(request);
    checkGroupMembers(memberValuesOfBody(request.body), ctx.budgets, 'the members of this Group');
    const input: GroupInput = groupFromScim(bodyObject(normalizedRequest(request, 'Group').body), ctx.budgets);
    const id = await writeGroup(ctx, 'group.create', null, undefined, () => ({ fields: input, members: new Set(input.memberIds) }));
    return sendGroup(ctx, reply, id, 201);
  });

  app.put<IdParams>('/Groups/:id', async (request, reply) => {
    const ctx = scimContext(request);
    checkGroupMembers(memberValuesOfBody(request.body), ctx.budgets, 'the members of this Group');
    const body = bodyObject(normalizedRequest(request, 'Group').body);
    const input = groupFromScim(body, ctx.budgets);
    // A PUT without members leaves them alone: IdPs manage membership with PATCH, and a bare PUT must not empty a group.
    const members = getValue(body, 'members') === undefined ? null : new Set(input.memberIds);
    await writeGroup(ctx, 'group.replace', request.params.id, request.headers['if-match'], () => ({ fields: input, members }));
    return sendGroup(ctx, reply, request.params.id, 200);
  });

  app.patch<IdParams>('/Groups/:id', async (request, reply) => {
    const ctx = scimContext(request);
    checkPatchOperations(request.body, ctx.budgets);
    checkGroupMembers(memberValuesOfPatch(request.body), ctx.budgets, 'the member values of this PATCH');
    const { body, query } = normalizedRequest(request, 'Group');
    const ops = patchOperations(request.body, bodyObject(body));
    const { memberOps, otherOps } = splitMemberOps(ops);
    const memberChanges = compileMemberOps(memberOps, ctx.budgets);
    await writeGroup(ctx, 'group.patch', request.params.id, request.headers['if-match'], (current, currentMembers) => {
      let fields: GroupFields | null = null;
      if (otherOps.length > 0 && current) {
        const patched = applyPatch(groupToScim(current, undefined, ctx.baseUrl), otherOps, GROUP_SCHEMAS, { filter: ctx.budgets });
        const input = groupFromScim(patched, ctx.budgets);
        fields = { displayName: input.displayName, externalId: input.externalId };
      }
      return { fields, members: memberChanges.length > 0 ? applyMemberChanges(currentMembers, memberChanges) : null };
    }, namedMembers(memberChanges));
    const list = parseListRequest(query, ctx.limits);
    // 204 unless the client asked for attributes back (Entra advises against returning members).
    if (list.attributes.length === 0 && list.excludedAttributes.length === 0) return reply.code(204).send();
    return sendGroup(ctx, reply, request.params.id, 200, list);
  });

  app.delete<IdParams>('/Groups/:id', async (request, reply) => {
    const ctx = scimContext(request);
    const id = request.params.id;
    await apply(ctx.store, ctx.workspace.id, async (trx) => {
      const current = await loadForWrite(trx, ctx, id, request.headers['if-match']);
      return {
        changes: [{ action: 'remove' as const, kind: 'group' as const, key: current.displayName, targetId: id, before: { displayName: current.displayName, externalId: current.externalId }, after: null }],
        value: null,
      };
    }, scimWrite(ctx, failedWrite('group', 'group.remove', id, null)));
    return reply.code(204).send();
  });
}
