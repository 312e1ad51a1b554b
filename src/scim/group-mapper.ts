import type { Group, GroupFields, GroupMemberRef } from '../model/group.js';
import { getValue, type JsonObject } from './json-object.js';
import { etagOf } from './etag.js';
import { memberIdsOfBody } from './group-member-ops.js';
import { DEFAULT_SCIM_BUDGETS, type ScimBudgets } from './scim-budgets.js';
import { invalidSyntax, invalidValue } from './scim-error.js';
import { checkTextBudget } from './text-budget.js';
import { valueExcerpt } from '../model/value-excerpt.js';
import { URN } from './scim-urn.js';

export interface GroupInput extends GroupFields {
  memberIds: string[];
}

/** displayName and externalId are indexed, so each is bounded by `identifierLength`; details never quote a value. */
export function groupFromScim(body: JsonObject, budgets: Readonly<ScimBudgets> = DEFAULT_SCIM_BUDGETS): GroupInput {
  const schemas = getValue(body, 'schemas');
  if (!Array.isArray(schemas) || !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === URN.group.toLowerCase())) {
    throw invalidSyntax(`schemas must list "${URN.group}"`);
  }
  const displayName = getValue(body, 'displayName');
  if (typeof displayName !== 'string' || displayName.trim() === '') throw invalidValue('displayName is required and must be a non-empty string');
  checkTextBudget('displayName', displayName, budgets, 'identifierLength');
  const externalId = getValue(body, 'externalId');
  if (externalId !== undefined && externalId !== null && typeof externalId !== 'string') throw invalidValue(`externalId must be a string, got ${valueExcerpt(externalId)}`);
  if (typeof externalId === 'string') checkTextBudget('externalId', externalId, budgets, 'identifierLength');
  return { displayName, externalId: (externalId as string | null | undefined) ?? null, memberIds: memberIdsOfBody(getValue(body, 'members')) };
}

export function groupToScim(group: Group, members: GroupMemberRef[] | undefined, baseUrl: string): JsonObject {
  const resource: JsonObject = { schemas: [URN.group], id: group.id };
  if (group.externalId !== null) resource.externalId = group.externalId;
  resource.displayName = group.displayName;
  if (members) resource.members = members.map((m) => ({ value: m.value, $ref: `${baseUrl}/Users/${m.value}`, display: m.display, type: 'User' }));
  resource.meta = {
    resourceType: 'Group',
    created: group.createdAt,
    lastModified: group.updatedAt,
    location: `${baseUrl}/Groups/${group.id}`,
    version: etagOf(group.version),
  };
  return resource;
}
