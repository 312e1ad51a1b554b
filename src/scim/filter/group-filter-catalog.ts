import { groupSchema } from '../schema/group-schema.js';
import { catalogFromEntries, type FilterCatalog } from './filter-catalog.js';

const membersInJoinTable = { kind: 'groupMembers', table: 'group_member', foreignKey: 'group_id', ownerColumn: 'scim_group.id', memberColumn: 'membership_id' } as const;

/** Only members' `value` is stored, so `members.display` and `members.type` are not filterable. */
export function groupFilterCatalog(): FilterCatalog {
  groupCatalog ??= buildGroupCatalog();
  return groupCatalog;
}

/** The group schema never varies, so it is built once per process. */
let groupCatalog: FilterCatalog | undefined;

function buildGroupCatalog(): FilterCatalog {
  return catalogFromEntries({ core: groupSchema, extensions: [] }, [
    { path: 'id', kind: 'column', column: 'scim_group.id', type: 'string' },
    { path: 'externalId', kind: 'column', column: 'scim_group.external_id', type: 'string' },
    { path: 'displayName', kind: 'column', column: 'scim_group.display_name', type: 'string', lowerColumn: 'scim_group.display_name_lower' },
    { path: 'meta.created', kind: 'column', column: 'scim_group.created_at', type: 'dateTime' },
    { path: 'meta.lastModified', kind: 'column', column: 'scim_group.updated_at', type: 'dateTime' },
    { path: 'members', ...membersInJoinTable },
    { path: 'members.value', ...membersInJoinTable },
  ]);
}
