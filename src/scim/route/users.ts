import type { FastifyInstance, FastifyReply } from 'fastify';
import { memberChange, memberRemoval } from '../../reconcile/member-change.js';
import { apply, type ChangeResult } from '../../reconcile/apply.js';
import type { GroupRef } from '../../model/group.js';
import type { Member, MemberFields } from '../../model/member.js';
import { findMemberByExternalId, findMemberById, findMemberByUserName, findMemberWithGroups, listMembers } from '../../store/member-repository.js';
import { checkIfMatch, etagOf, isNotModified } from '../etag.js';
import { compileFilter, compileSortBy } from '../filter/compile-filter.js';
import { parseFilter } from '../filter/parse-filter.js';
import { uniqueLookup } from '../filter/unique-lookup.js';
import { parseListRequest, type ListRequest } from '../list-request.js';
import { applyPatchInSlices } from '../patch/apply-patch.js';
import { inactiveWhenUnassigned } from '../patch/inactive-when-unassigned.js';
import { scimContext, type ScimContext } from '../scim-context.js';
import { SCIM_CONTENT_TYPE } from '../scim-error-handler.js';
import { notFound, uniqueness } from '../scim-error.js';
import { userSchemasOf } from '../schema/workspace-schemas.js';
import { valueExcerpt } from '../../model/value-excerpt.js';
import { memberFieldsFromScim, memberToScim, withWorkspaceDefaults } from '../user-mapper.js';
import { boundedListResponse } from './list-response.js';
import { heavyRead } from '../heavy-read.js';
import { renderUsers, userCatalog } from '../user-resources.js';
import { bodyObject, failedWrite, normalizedRequest, scimWrite } from './route-support.js';
import { checkPatchOperations, patchOperations } from './patch-request.js';
import { withoutUnstoredOperations } from './without-unstored-operations.js';

type IdParams = { Params: { id: string } };

const userNotFound = (id: string) => notFound(`no User with id ${valueExcerpt(id)} in this workspace`);

/** Members just created: no group can hold them yet. */
const NO_GROUPS: ReadonlyMap<string, GroupRef[]> = new Map();

async function listUsers(ctx: ScimContext, list: ListRequest): Promise<string> {
  const ast = list.filter ? parseFilter(list.filter, ctx.budgets) : undefined;
  const lookup = ast ? uniqueLookup(ast) : null;
  if (lookup) {
    const found = await findMemberWithGroups(ctx.store.db, ctx.workspace.id, lookup.attribute, lookup.value);
    const page = found && list.startIndex === 1 && list.count > 0 ? [found.member] : [];
    return boundedListResponse(found ? 1 : 0, list.startIndex, await renderUsers(ctx, page, list, found && new Map([[found.member.id, found.groups]])), ctx.budgets.responseBytes);
  }
  const catalog = userCatalog(ctx.workspace);
  const where = ast ? compileFilter(ast, catalog, ctx.store.dialect, ctx.budgets) : undefined;
  const sortColumn = list.sortBy ? compileSortBy(list.sortBy, catalog) : undefined;
  const { total, members } = await heavyRead(ctx, (db) => listMembers(db, ctx.workspace.id, where, {
    offset: list.startIndex - 1,
    limit: list.count,
    ...(sortColumn ? { sortColumn } : {}),
    descending: list.descending,
  }));
  return boundedListResponse(total, list.startIndex, await renderUsers(ctx, members, list), ctx.budgets.responseBytes);
}

async function sendMember(
  ctx: ScimContext,
  reply: FastifyReply,
  member: Member,
  status: number,
  list = { attributes: [], excludedAttributes: [] } as Pick<ListRequest, 'attributes' | 'excludedAttributes'>,
  groups?: GroupRef[],
) {
  const [resource] = await renderUsers(ctx, [member], list, status === 201 ? NO_GROUPS : groups && new Map([[member.id, groups]]));
  reply.code(status).type(SCIM_CONTENT_TYPE).header('etag', etagOf(member.version));
  if (status === 201) reply.header('location', `${ctx.baseUrl}/Users/${member.id}`);
  return resource;
}

/** A clear 409 before the unique index would give a bare one; only changing keys can collide. */
async function assertUnique(ctx: ScimContext, db: Parameters<typeof findMemberByUserName>[0], fields: MemberFields, current: Member | null) {
  const selfId = current?.id ?? null;
  if (!current || current.userName.toLowerCase() !== fields.userName.toLowerCase()) {
    const byName = await findMemberByUserName(db, ctx.workspace.id, fields.userName);
    if (byName && byName.id !== selfId) {
      throw uniqueness(`userName ${valueExcerpt(fields.userName)} is already used by User ${byName.id} in this workspace (userName is unique regardless of case)`);
    }
  }
  if (fields.externalId !== null && fields.externalId !== current?.externalId) {
    const byExternal = await findMemberByExternalId(db, ctx.workspace.id, fields.externalId);
    if (byExternal && byExternal.id !== selfId) throw uniqueness(`externalId ${valueExcerpt(fields.externalId)} is already used by User ${byExternal.id} in this workspace`);
  }
}


/** If-Match is checked here against what is stored; the write re-checks its version. */
async function loadForWrite(db: Parameters<typeof findMemberById>[0], ctx: ScimContext, id: string, ifMatch: string | undefined): Promise<Member> {
  const current = await findMemberById(db, ctx.workspace.id, id);
  if (!current) throw userNotFound(id);
  checkIfMatch(ifMatch, current.version);
  return current;
}

export async function userRoutes(app: FastifyInstance): Promise<void> {
  app.get('/Users', async (request, reply) => {
    const ctx = scimContext(request);
    reply.type(SCIM_CONTENT_TYPE);
    return listUsers(ctx, parseListRequest(normalizedRequest(request, 'User').query, ctx.limits));
  });

  app.post('/Users/.search', async (request, reply) => {
    const ctx = scimContext(request);
    const { body } = normalizedRequest(request, 'User');
    reply.code(200).type(SCIM_CONTENT_TYPE);
    return listUsers(ctx, parseListRequest(bodyObject(body), ctx.limits));
  });

  app.get<IdParams>('/Users/:id', async (request, reply) => {
    const ctx = scimContext(request);
    const list = parseListRequest(normalizedRequest(request, 'User').query, ctx.limits);
    const found = await findMemberWithGroups(ctx.store.db, ctx.workspace.id, 'id', request.params.id);
    if (!found) throw userNotFound(request.params.id);
    const { member, groups } = found;
    if (isNotModified(request.headers['if-none-match'], member.version)) return reply.code(304).header('etag', etagOf(member.version)).send();
    return sendMember(ctx, reply, member, 200, list, groups);
  });

  app.post('/Users', async (request, reply) => {
    const ctx = scimContext(request);
    const body = bodyObject(normalizedRequest(request, 'User').body);
    const fields = withWorkspaceDefaults(memberFieldsFromScim(body, ctx.workspace, ctx.budgets), ctx.workspace);
    const outcome = await apply(ctx.store, ctx.workspace.id, async (trx, workspace) => {
      await assertUnique(ctx, trx, fields, null);
      const change = memberChange(workspace, null, fields);
      return { changes: [change], value: change.targetId };
    }, scimWrite(ctx, failedWrite('member', 'member.create', null, fields.userName), { readAhead: true }));
    const created = storedMember(outcome.results, outcome.value) ?? (await findMemberById(ctx.store.db, ctx.workspace.id, outcome.value));
    if (!created) throw userNotFound(outcome.value);
    return sendMember(ctx, reply, created, 201);
  });

  app.put<IdParams>('/Users/:id', async (request, reply) => {
    const ctx = scimContext(request);
    const id = request.params.id;
    const body = bodyObject(normalizedRequest(request, 'User').body);
    const fields = withWorkspaceDefaults(memberFieldsFromScim(body, ctx.workspace, ctx.budgets), ctx.workspace);
    const outcome = await apply(ctx.store, ctx.workspace.id, async (trx, workspace) => {
      const current = await loadForWrite(trx, ctx, id, request.headers['if-match']);
      await assertUnique(ctx, trx, fields, current);
      return { changes: [memberChange(workspace, current, fields)], ...readMember(current), value: Object.assign({}, current, fields) };
    }, scimWrite(ctx, failedWrite('member', 'member.replace', id, fields.userName), { readAhead: true }));
    return sendMemberOrGone(ctx, reply, outcome.value, storedMember(outcome.results, id));
  });

  app.patch<IdParams>('/Users/:id', async (request, reply) => {
    const ctx = scimContext(request);
    const id = request.params.id;
    checkPatchOperations(request.body, ctx.budgets);
    const ops = withoutUnstoredOperations(patchOperations(request.body, bodyObject(normalizedRequest(request, 'User').body)));
    const outcome = await apply(ctx.store, ctx.workspace.id, async (trx, workspace) => {
      const current = await loadForWrite(trx, ctx, id, request.headers['if-match']);
      const representation = memberToScim(current, workspace, { baseUrl: ctx.baseUrl });
      const patched = inactiveWhenUnassigned(await applyPatchInSlices(representation, ops, userSchemasOf(workspace), { multiValuedEntries: ctx.budgets.multiValuedEntries, filter: ctx.budgets }));
      const fields = withWorkspaceDefaults(memberFieldsFromScim(patched, workspace, ctx.budgets), workspace);
      await assertUnique(ctx, trx, fields, current);
      return { changes: [memberChange(workspace, current, fields)], ...readMember(current), value: Object.assign({}, current, fields) };
    }, scimWrite(ctx, failedWrite('member', 'member.patch', id, null), { readAhead: true }));
    return sendMemberOrGone(ctx, reply, outcome.value, storedMember(outcome.results, id));
  });

  app.delete<IdParams>('/Users/:id', async (request, reply) => {
    const ctx = scimContext(request);
    const id = request.params.id;
    await apply(ctx.store, ctx.workspace.id, async (trx) => {
      const current = await loadForWrite(trx, ctx, id, request.headers['if-match']);
      return { changes: [memberRemoval(current, 'deleted by the IdP')], ...readMember(current), value: null };
    }, scimWrite(ctx, failedWrite('member', 'member.remove', id, null), { readAhead: true }));
    return reply.code(204).send();
  });
}

function readMember(current: Member) {
  return { current: new Map([[current.id, current]]), readVersions: new Map([[current.id, current.version]]) };
}

function storedMember(results: readonly ChangeResult[], id: string): Member | undefined {
  return results.find((r) => r.member?.id === id)?.member;
}

/**
 * The stored resource after a PUT or PATCH (re-read only when nothing was written). When deactivation removes the
 * member, the answer is its last state with 200: Okta's PUT-based deactivation treats an empty response as failure.
 */
async function sendMemberOrGone(ctx: ScimContext, reply: FastifyReply, last: Member, stored: Member | undefined) {
  const member = stored ?? (await findMemberById(ctx.store.db, ctx.workspace.id, last.id));
  if (member) return sendMember(ctx, reply, member, 200);
  const gone = { ...last, version: last.version + 1 };
  reply.code(200).type(SCIM_CONTENT_TYPE).header('etag', etagOf(gone.version));
  return memberToScim(gone, ctx.workspace, { baseUrl: ctx.baseUrl, groups: [] });
}
