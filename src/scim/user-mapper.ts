import type { GroupRef } from '../model/group.js';
import { emptyMemberFields, type Member, type MemberFields } from '../model/member.js';
import { mapRoleValue, roleFromRoles } from '../model/resolve-role.js';
import type { Workspace } from '../model/workspace.js';
import { getValue, hasKey, isJsonObject, type JsonObject } from './json-object.js';
import { etagOf } from './etag.js';
import { findAttribute } from './schema/find-attribute.js';
import { userSchema } from './schema/user-schema.js';
import { UNSTORED_USER_ATTRIBUTES } from './schema/unstored-user-attributes.js';
import { DEFAULT_SCIM_BUDGETS, type ScimBudgets } from './scim-budgets.js';
import { invalidSyntax, invalidValue } from './scim-error.js';
import { checkEntriesBudget, checkTextBudget, type TextBudgetName } from './text-budget.js';
import { valueExcerpt } from '../model/value-excerpt.js';
import { URN } from './scim-urn.js';

// SCIM User JSON ↔ member fields. Input has passed the dialect normalisers, so here wrong types are refused, not guessed.

/** Details never quote long or secret values. */
function string(obj: JsonObject, key: string, budgets: Readonly<ScimBudgets>, label = key, budget: TextBudgetName = 'stringLength'): string | null {
  const value = getValue(obj, key);
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw invalidValue(`${label} must be a string, got ${valueExcerpt(value, key)}`);
  checkTextBudget(label, value, budgets, budget);
  return value;
}

/**
 * Elements keep the schema's sub-attributes, canonically spelled so filters match; unknown ones
 * (`emails[].password`) are dropped, never stored or quoted.
 */
function array(obj: JsonObject, key: string, budgets: Readonly<ScimBudgets>): JsonObject[] | null {
  const value = getValue(obj, key);
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value)) throw invalidValue(`${key} must be an array of objects, got ${valueExcerpt(value, key)}`);
  checkEntriesBudget(key, value.length, budgets);
  const subAttributes = findAttribute(userSchema.attributes, key)?.subAttributes;
  return value.map((element: unknown, i) => {
    if (!isJsonObject(element)) throw invalidValue(`${key}[${i}] must be an object such as {"value": "…", "type": "work"}`);
    const out: JsonObject = {};
    for (const [name, sub] of Object.entries(element)) {
      const declared = findAttribute(subAttributes, name);
      if (!declared) continue;
      out[declared.name] = simpleValue(`${key}[${i}].${declared.name}`, sub, budgets, key === 'emails' && declared.name === 'value' ? 'identifierLength' : 'stringLength');
    }
    return out;
  });
}

/** An email address is an identifier: the primary one keys the account (a unique index). */
function simpleValue(label: string, value: unknown, budgets: Readonly<ScimBudgets>, budget: TextBudgetName): unknown {
  if (typeof value === 'string') checkTextBudget(label, value, budgets, budget);
  else if (typeof value === 'object' && value !== null) throw invalidValue(`${label} must be a string, number or boolean, got ${valueExcerpt(value)}`);
  return value;
}

/** Dropped attributes still count against the budgets. */
function checkUnstored(body: JsonObject, budgets: Readonly<ScimBudgets>): void {
  for (const [key, value] of Object.entries(body)) {
    if (!UNSTORED_USER_ATTRIBUTES.has(key.toLowerCase()) || !Array.isArray(value)) continue;
    checkEntriesBudget(key, value.length, budgets);
    value.forEach((element: unknown, i) => {
      if (!isJsonObject(element)) return;
      for (const [name, sub] of Object.entries(element)) if (typeof sub === 'string') checkTextBudget(`${key}[${i}].${name}`, sub, budgets, 'stringLength');
    });
  }
}

const object = (obj: JsonObject, key: string): JsonObject | null => {
  const value = getValue(obj, key);
  if (value === undefined || value === null) return null;
  if (!isJsonObject(value)) throw invalidValue(`${key} must be an object`);
  return value;
};

/** From the workspace's extension, or top-level (Okta's default namespace). */
function workspaceAttribute(body: JsonObject, extension: JsonObject | null, name: string): { present: boolean; value: unknown } {
  if (extension && hasKey(extension, name)) return { present: true, value: getValue(extension, name) };
  if (hasKey(body, name)) return { present: true, value: getValue(body, name) };
  return { present: false, value: undefined };
}

/** Presence matters: V2 refuses seatType even empty, V1 refuses role; in the workspace's own version "" means unset. */
function versionedText(workspace: Workspace, ownVersion: 'v1' | 'v2', attr: { present: boolean; value: unknown }, label: string, budgets: Readonly<ScimBudgets>): string | null {
  if (!attr.present || attr.value === null) return null;
  if (attr.value === '' && workspace.version === ownVersion) return null;
  if (typeof attr.value !== 'string') throw invalidValue(`${label} must be a string, got ${valueExcerpt(attr.value, label)}`);
  checkTextBudget(label, attr.value, budgets, 'stringLength');
  return attr.value;
}

/** Every value is budgeted, so what is stored, logged and listed stays bounded. */
export function memberFieldsFromScim(body: JsonObject, workspace: Workspace, budgets: Readonly<ScimBudgets> = DEFAULT_SCIM_BUDGETS): MemberFields {
  const schemas = getValue(body, 'schemas');
  if (!Array.isArray(schemas) || !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === URN.user.toLowerCase())) {
    throw invalidSyntax(`schemas must list "${URN.user}"`);
  }
  const userName = getValue(body, 'userName');
  if (typeof userName !== 'string' || userName.trim() === '') {
    throw invalidValue('userName is required and must be a non-empty string (map it to the user\'s email or UPN)');
  }
  checkTextBudget('userName', userName, budgets, 'identifierLength');
  const fields = emptyMemberFields(userName);
  fields.externalId = string(body, 'externalId', budgets, 'externalId', 'identifierLength');
  fields.displayName = string(body, 'displayName', budgets);
  const name = object(body, 'name');
  if (name) {
    fields.givenName = string(name, 'givenName', budgets, 'name.givenName');
    fields.familyName = string(name, 'familyName', budgets, 'name.familyName');
    fields.formattedName = string(name, 'formatted', budgets, 'name.formatted');
    fields.middleName = string(name, 'middleName', budgets, 'name.middleName');
    fields.honorificPrefix = string(name, 'honorificPrefix', budgets, 'name.honorificPrefix');
    fields.honorificSuffix = string(name, 'honorificSuffix', budgets, 'name.honorificSuffix');
  }
  fields.nickName = string(body, 'nickName', budgets);
  fields.profileUrl = string(body, 'profileUrl', budgets);
  fields.userType = string(body, 'userType', budgets);
  fields.title = string(body, 'title', budgets);
  fields.locale = string(body, 'locale', budgets);
  fields.preferredLanguage = string(body, 'preferredLanguage', budgets);
  fields.timezone = string(body, 'timezone', budgets);
  fields.emails = array(body, 'emails', budgets);
  fields.phoneNumbers = array(body, 'phoneNumbers', budgets);
  fields.addresses = array(body, 'addresses', budgets);
  fields.roles = array(body, 'roles', budgets);
  checkUnstored(body, budgets);
  const active = getValue(body, 'active');
  if (active !== undefined && active !== null && typeof active !== 'boolean') {
    throw invalidValue(`active must be true or false, got ${valueExcerpt(active)}`);
  }
  fields.active = active !== false;

  const enterprise = object(body, URN.enterpriseUser);
  if (enterprise) {
    const label = (a: string) => `${URN.enterpriseUser}:${a}`;
    fields.employeeNumber = string(enterprise, 'employeeNumber', budgets, label('employeeNumber'));
    fields.department = string(enterprise, 'department', budgets, label('department'));
    fields.costCenter = string(enterprise, 'costCenter', budgets, label('costCenter'));
    fields.organization = string(enterprise, 'organization', budgets, label('organization'));
    fields.division = string(enterprise, 'division', budgets, label('division'));
    const manager = object(enterprise, 'manager');
    if (manager) {
      fields.managerId = string(manager, 'value', budgets, label('manager.value'));
      fields.managerRef = string(manager, '$ref', budgets, label('manager.$ref'));
      fields.managerDisplayName = string(manager, 'displayName', budgets, label('manager.displayName'));
    }
  }

  const extension = object(body, workspace.extensionUrn);
  const policy = workspace.policy;
  if (policy.roleSource.kind === 'extension') {
    const role = versionedText(workspace, 'v2', workspaceAttribute(body, extension, policy.roleSource.attribute), policy.roleSource.attribute, budgets);
    fields.role = role === null ? null : mapRoleValue(role, policy.roleValueMap);
  } else {
    const resolved = roleFromRoles(fields.roles, policy);
    if ('refusal' in resolved) throw invalidValue(resolved.refusal);
    fields.role = resolved.role;
  }
  const credit = workspaceAttribute(body, extension, 'creditLimit');
  if (credit.present && credit.value !== null && !(credit.value === '' && workspace.version === 'v2')) {
    // The policy quotes what it refuses: an object or array must not get that far.
    if (typeof credit.value === 'string') checkTextBudget('creditLimit', credit.value, budgets, 'stringLength');
    else if (typeof credit.value !== 'number') throw invalidValue(`creditLimit must be a non-negative integer (0 or absent means no cap), got ${valueExcerpt(credit.value)}`);
    fields.creditLimit = credit.value as number;
  }
  fields.seatType = versionedText(workspace, 'v1', workspaceAttribute(body, extension, 'seatType'), 'seatType', budgets);
  return fields;
}

/** Object.assign, not a spread: this is every write's hot path. */
export function withWorkspaceDefaults(fields: MemberFields, workspace: Workspace): MemberFields {
  if (workspace.version === 'v2' && fields.role === null) return Object.assign({}, fields, { role: workspace.policy.defaultRole });
  if (workspace.version === 'v1' && fields.seatType === null && workspace.policy.defaultSeatType) {
    return Object.assign({}, fields, { seatType: workspace.policy.defaultSeatType });
  }
  return fields;
}

export interface RenderOptions {
  /** For meta.location. */
  baseUrl: string;
  groups?: GroupRef[];
}

const put = (target: JsonObject, key: string, value: unknown) => {
  if (value !== null && value !== undefined) target[key] = value;
};



export function memberToScim(member: Member, workspace: Workspace, options: RenderOptions): JsonObject {
  const schemas: string[] = [URN.user];
  const resource: JsonObject = { schemas, id: member.id };
  put(resource, 'externalId', member.externalId);
  resource.userName = member.userName;
  const name: JsonObject = {};
  put(name, 'formatted', member.formattedName);
  put(name, 'familyName', member.familyName);
  put(name, 'givenName', member.givenName);
  put(name, 'middleName', member.middleName);
  put(name, 'honorificPrefix', member.honorificPrefix);
  put(name, 'honorificSuffix', member.honorificSuffix);
  if (Object.keys(name).length > 0) resource.name = name;
  put(resource, 'displayName', member.displayName);
  put(resource, 'nickName', member.nickName);
  put(resource, 'profileUrl', member.profileUrl);
  put(resource, 'title', member.title);
  put(resource, 'userType', member.userType);
  put(resource, 'preferredLanguage', member.preferredLanguage);
  put(resource, 'locale', member.locale);
  put(resource, 'timezone', member.timezone);
  resource.active = member.active;
  put(resource, 'emails', member.emails);
  put(resource, 'phoneNumbers', member.phoneNumbers);
  put(resource, 'addresses', member.addresses);
  put(resource, 'roles', member.roles);
  if (options.groups) resource.groups = options.groups.map((g) => ({ ...g, $ref: `${options.baseUrl}/Groups/${g.value}` }));

  const enterprise: JsonObject = {};
  put(enterprise, 'employeeNumber', member.employeeNumber);
  put(enterprise, 'costCenter', member.costCenter);
  put(enterprise, 'organization', member.organization);
  put(enterprise, 'division', member.division);
  put(enterprise, 'department', member.department);
  if (member.managerId !== null) {
    const manager: JsonObject = { value: member.managerId };
    put(manager, '$ref', member.managerRef);
    put(manager, 'displayName', member.managerDisplayName);
    enterprise.manager = manager;
  }
  if (Object.keys(enterprise).length > 0) {
    schemas.push(URN.enterpriseUser);
    resource[URN.enterpriseUser] = enterprise;
  }
  const extension: JsonObject = {};
  if (workspace.policy.roleSource.kind === 'extension') put(extension, workspace.policy.roleSource.attribute, member.role);
  else put(extension, 'role', member.role);
  put(extension, 'creditLimit', member.creditLimit);
  put(extension, 'seatType', member.seatType);
  if (Object.keys(extension).length > 0) {
    schemas.push(workspace.extensionUrn);
    resource[workspace.extensionUrn] = extension;
  }
  resource.meta = {
    resourceType: 'User',
    created: member.createdAt,
    lastModified: member.updatedAt,
    location: `${options.baseUrl}/Users/${member.id}`,
    version: etagOf(member.version),
  };
  return resource;
}
