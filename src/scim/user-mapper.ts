import type { GroupRef } from '../model/group.js';
import { emptyMemberFields, type Member, type MemberFields } from '../model/member.js';
import { mapRoleValue, roleFromRoles } from '../model/resolve-role.js';
import type { Workspace } from '../model/workspace.js';
import { getCi, hasCi, isObject, type JsonObject } from './ci-object.js';
import { etagOf } from './etag.js';
import { findAttribute } from './schema/find-attribute.js';
import { userSchema } from './schema/user-schema.js';
import { invalidSyntax, invalidValue } from './scim-error.js';
import { URN } from './scim-urn.js';

/**
 * SCIM User JSON ↔ member fields. The input has already passed the dialect normalisers (src/scim/compat/),
 * so here the core is strict: wrong types are refused with the attribute's name, not guessed at.
 */

const string = (obj: JsonObject, key: string, label = key): string | null => {
  const value = getCi(obj, key);
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw invalidValue(`${label} must be a string, got ${JSON.stringify(value)}`);
  return value;
};

/**
 * A multi-valued complex attribute (emails, phoneNumbers, addresses, roles), each element kept as sent but for the
 * names of the sub-attributes the User schema defines, which get its spelling: names are case-insensitive (RFC 7643
 * §2.1), and an element stored as `{"Value": …, "Type": "work"}` would match no filter such as
 * `emails[type eq "work"]` and read back under the client's spelling. A PATCH value gets the same (canonical-value.ts).
 */
const array = (obj: JsonObject, key: string): unknown[] | null => {
  const value = getCi(obj, key);
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value)) throw invalidValue(`${key} must be an array of objects, got ${JSON.stringify(value)}`);
  const subAttributes = findAttribute(userSchema.attributes, key)?.subAttributes;
  return value.map((element: unknown, i) => {
    if (!isObject(element)) throw invalidValue(`${key}[${i}] must be an object such as {"value": "…", "type": "work"}`);
    const out: JsonObject = {};
    for (const [name, sub] of Object.entries(element)) out[findAttribute(subAttributes, name)?.name ?? name] = sub;
    return out;
  });
};

const object = (obj: JsonObject, key: string): JsonObject | null => {
  const value = getCi(obj, key);
  if (value === undefined || value === null) return null;
  if (!isObject(value)) throw invalidValue(`${key} must be an object`);
  return value;
};

/** Read a workspace attribute from the workspace's extension, or top-level (Okta's default namespace). */
function workspaceAttribute(body: JsonObject, extension: JsonObject | null, name: string): { present: boolean; value: unknown } {
  if (extension && hasCi(extension, name)) return { present: true, value: getCi(extension, name) };
  if (hasCi(body, name)) return { present: true, value: getCi(body, name) };
  return { present: false, value: undefined };
}

/**
 * Presence matters for the strict version rule: a V2 workspace refuses seatType "even empty", a V1 workspace
 * refuses role. Where the attribute belongs to the workspace's version, an empty string means "not set".
 */
function versionedText(workspace: Workspace, ownVersion: 'v1' | 'v2', attr: { present: boolean; value: unknown }, label: string): string | null {
  if (!attr.present || attr.value === null) return null;
  if (attr.value === '' && workspace.version === ownVersion) return null;
  if (typeof attr.value !== 'string') throw invalidValue(`${label} must be a string, got ${JSON.stringify(attr.value)}`);
  return attr.value;
}

export function memberFieldsFromScim(body: JsonObject, workspace: Workspace): MemberFields {
  const schemas = getCi(body, 'schemas');
  if (!Array.isArray(schemas) || !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === URN.user.toLowerCase())) {
    throw invalidSyntax(`schemas must list "${URN.user}"`);
  }
  const userName = getCi(body, 'userName');
  if (typeof userName !== 'string' || userName.trim() === '') {
    throw invalidValue('userName is required and must be a non-empty string (map it to the user\'s email or UPN)');
  }
  const fields = emptyMemberFields(userName);
  fields.externalId = string(body, 'externalId');
  fields.displayName = string(body, 'displayName');
  const name = object(body, 'name');
  if (name) {
    fields.givenName = string(name, 'givenName', 'name.givenName');
    fields.familyName = string(name, 'familyName', 'name.familyName');
    fields.formattedName = string(name, 'formatted', 'name.formatted');
    fields.middleName = string(name, 'middleName', 'name.middleName');
    fields.honorificPrefix = string(name, 'honorificPrefix', 'name.honorificPrefix');
    fields.honorificSuffix = string(name, 'honorificSuffix', 'name.honorificSuffix');
  }
  fields.nickName = string(body, 'nickName');
  fields.profileUrl = string(body, 'profileUrl');
  fields.userType = string(body, 'userType');
  fields.title = string(body, 'title');
  fields.locale = string(body, 'locale');
  fields.preferredLanguage = string(body, 'preferredLanguage');
  fields.timezone = string(body, 'timezone');
  fields.emails = array(body, 'emails');
  fields.phoneNumbers = array(body, 'phoneNumbers');
  fields.addresses = array(body, 'addresses');
  fields.roles = array(body, 'roles');
  const active = getCi(body, 'active');
  if (active !== undefined && active !== null && typeof active !== 'boolean') {
    throw invalidValue(`active must be true or false, got ${JSON.stringify(active)}`);
  }
  fields.active = active !== false;

  const enterprise = object(body, URN.enterpriseUser);
  if (enterprise) {
    const label = (a: string) => `${URN.enterpriseUser}:${a}`;
    fields.employeeNumber = string(enterprise, 'employeeNumber', label('employeeNumber'));
    fields.department = string(enterprise, 'department', label('department'));
    fields.costCenter = string(enterprise, 'costCenter', label('costCenter'));
    fields.organization = string(enterprise, 'organization', label('organization'));
    fields.division = string(enterprise, 'division', label('division'));
    const manager = object(enterprise, 'manager');
    if (manager) {
      fields.managerId = string(manager, 'value', label('manager.value'));
      fields.managerRef = string(manager, '$ref', label('manager.$ref'));
      fields.managerDisplayName = string(manager, 'displayName', label('manager.displayName'));
    }
  }

  const extension = object(body, workspace.extensionUrn);
  const policy = workspace.policy;
  if (policy.roleSource.kind === 'extension') {
    const role = versionedText(workspace, 'v2', workspaceAttribute(body, extension, policy.roleSource.attribute), policy.roleSource.attribute);
    fields.role = role === null ? null : mapRoleValue(role, policy.roleValueMap);
  } else {
    const resolved = roleFromRoles(fields.roles, policy);
    if ('refusal' in resolved) throw invalidValue(resolved.refusal);
    fields.role = resolved.role;
  }
  const credit = workspaceAttribute(body, extension, 'creditLimit');
  if (credit.present && credit.value !== null && !(credit.value === '' && workspace.version === 'v2')) {
    fields.creditLimit = credit.value as number;
  }
  fields.seatType = versionedText(workspace, 'v1', workspaceAttribute(body, extension, 'seatType'), 'seatType');
  return fields;
}

/**
 * Fill what the IdP left out with the workspace's defaults: the default role (V2) or seat type (V1).
 * Object.assign, not `{ ...fields, role }`: on Node 20 a spread followed by a property costs microseconds per
 * call for an object this size (V8 builds a new map each time), and every SCIM write comes through here.
 */
export function withWorkspaceDefaults(fields: MemberFields, workspace: Workspace): MemberFields {
  if (workspace.version === 'v2' && fields.role === null) return Object.assign({}, fields, { role: workspace.policy.defaultRole });
  if (workspace.version === 'v1' && fields.seatType === null && workspace.policy.defaultSeatType) {
    return Object.assign({}, fields, { seatType: workspace.policy.defaultSeatType });
  }
  return fields;
}

export interface RenderOptions {
  /** The SCIM base URL the request came in on, for meta.location. */
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
