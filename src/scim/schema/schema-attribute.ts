/**
 * RFC 7643 §7 attribute characteristics, as data. The schema endpoints render these, the PATCH engine
 * reads mutability and canonical names from them, and the filter catalogs resolve names through them.
 */
export type AttributeType = 'string' | 'boolean' | 'decimal' | 'integer' | 'dateTime' | 'reference' | 'complex' | 'binary';
export type Mutability = 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
export type Returned = 'always' | 'never' | 'default' | 'request';
export type Uniqueness = 'none' | 'server' | 'global';

export interface SchemaAttribute {
  name: string;
  type: AttributeType;
  multiValued: boolean;
  required: boolean;
  caseExact: boolean;
  mutability: Mutability;
  returned: Returned;
  uniqueness: Uniqueness;
  description: string;
  subAttributes?: SchemaAttribute[];
  canonicalValues?: string[];
  referenceTypes?: string[];
}

export interface ScimSchema {
  /** The schema URN, e.g. urn:ietf:params:scim:schemas:core:2.0:User. */
  id: string;
  name: string;
  description: string;
  attributes: SchemaAttribute[];
}

export type AttributeOptions = Partial<Omit<SchemaAttribute, 'name' | 'type' | 'description'>>;

/**
 * Build an attribute with the RFC 7643 §2.2 defaults (single-valued, optional, case-insensitive,
 * readWrite, returned by default, not unique), so the schema files only spell out what differs.
 */
export function defineAttribute(name: string, type: AttributeType, description: string, options: AttributeOptions = {}): SchemaAttribute {
  return {
    name,
    type,
    multiValued: false,
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    description,
    ...options,
  };
}

/**
 * The sub-attributes RFC 7643 §2.4 gives most multi-valued attributes (emails, phoneNumbers, roles):
 * value, display, type and primary. `valueType` differs for some (reference for photos, binary for certificates).
 */
export function multiValuedSubAttributes(
  noun: string,
  canonicalTypes: string[] | undefined,
  valueType: AttributeType = 'string',
  valueOptions: AttributeOptions = {},
): SchemaAttribute[] {
  return [
    defineAttribute('value', valueType, `The value of the ${noun}.`, valueOptions),
    defineAttribute('display', 'string', `A human-readable name for the ${noun}, primarily used for display purposes.`),
    defineAttribute('type', 'string', `A label indicating the ${noun}'s function.`, canonicalTypes ? { canonicalValues: canonicalTypes } : {}),
    defineAttribute('primary', 'boolean', `A Boolean value indicating the 'primary' or preferred ${noun}. The primary attribute value 'true' MUST appear no more than once.`),
  ];
}
