import { enterpriseUserSchema } from '../schema/enterprise-user-schema.js';
import { userSchema } from '../schema/user-schema.js';
import { DEFAULT_EXTENSION_URN, DEFAULT_ROLE_ATTRIBUTE, workspaceExtensionSchema } from '../schema/workspace-extension-schema.js';
import { catalogFromEntries, type CatalogEntry, type FilterCatalog } from './filter-catalog.js';
import { URN } from '../scim-urn.js';

export interface UserFilterCatalogOptions {
  extensionUrn?: string;
  roleAttribute?: string;
}

const m = (column: string) => `membership.${column}`;
const text = (path: string, column: string, extra: { caseExact?: boolean; lowerColumn?: string } = {}): CatalogEntry => ({
  path,
  kind: 'column',
  column: m(column),
  type: 'string',
  ...extra,
});

/** Built once per (URN, role attribute) pair, as building checks them against the schemas. */
const built = new Map<string, FilterCatalog>();

/** Per workspace: the extension's URN and role attribute come from its preset. */
export function userFilterCatalog(options: UserFilterCatalogOptions = {}): FilterCatalog {
  const extensionUrn = options.extensionUrn ?? DEFAULT_EXTENSION_URN;
  const roleAttribute = options.roleAttribute ?? DEFAULT_ROLE_ATTRIBUTE;
  const key = `${extensionUrn}\u0000${roleAttribute}`;
  let catalog = built.get(key);
  if (!catalog) {
    catalog = buildUserCatalog(extensionUrn, roleAttribute);
    built.set(key, catalog);
  }
  return catalog;
}

function buildUserCatalog(extensionUrn: string, roleAttribute: string): FilterCatalog {
  const schemas = { core: userSchema, extensions: [enterpriseUserSchema, workspaceExtensionSchema(extensionUrn, roleAttribute)] };
  const enterprise = (name: string) => `${URN.enterpriseUser}:${name}`;
  const workspace = (name: string) => `${extensionUrn}:${name}`;
  return catalogFromEntries(schemas, [
    text('id', 'id'),
    text('externalId', 'external_id'),
    text('userName', 'user_name', { lowerColumn: m('user_name_lower') }),
    text('displayName', 'display_name'),
    text('name.givenName', 'given_name'),
    text('name.familyName', 'family_name'),
    text('name.formatted', 'formatted_name'),
    text('name.middleName', 'middle_name'),
    text('name.honorificPrefix', 'honorific_prefix'),
    text('name.honorificSuffix', 'honorific_suffix'),
    text('nickName', 'nick_name'),
    text('profileUrl', 'profile_url'),
    text('userType', 'user_type'),
    text('title', 'title'),
    text('locale', 'locale'),
    text('preferredLanguage', 'preferred_language'),
    text('timezone', 'timezone'),
    { path: 'active', kind: 'column', column: m('active'), type: 'boolean' },
    { path: 'emails', kind: 'jsonArray', column: m('emails') },
    { path: 'phoneNumbers', kind: 'jsonArray', column: m('phone_numbers') },
    { path: 'addresses', kind: 'jsonArray', column: m('addresses') },
    { path: 'roles', kind: 'jsonArray', column: m('roles') },
    text(enterprise('employeeNumber'), 'employee_number'),
    text(enterprise('department'), 'department'),
    text(enterprise('costCenter'), 'cost_center'),
    text(enterprise('organization'), 'organization'),
    text(enterprise('division'), 'division'),
    text(enterprise('manager'), 'manager_id', { caseExact: true }),
    text(enterprise('manager.value'), 'manager_id', { caseExact: true }),
    text(enterprise('manager.displayName'), 'manager_display_name'),
    text(workspace(roleAttribute), 'role'),
    { path: workspace('creditLimit'), kind: 'column', column: m('credit_limit'), type: 'integer' },
    text(workspace('seatType'), 'seat_type'),
    { path: 'meta.created', kind: 'column', column: m('created_at'), type: 'dateTime' },
    { path: 'meta.lastModified', kind: 'column', column: m('updated_at'), type: 'dateTime' },
  ]);
}
