// SCIM attribute characteristics as data, shared by the schema endpoints, the PATCH engine and the filter catalogs.
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
  id: string;
  name: string;
  description: string;
  attributes: SchemaAttribute[];
}

export type AttributeOptions = Partial<Omit<SchemaAttribute, 'name' | 'type' | 'description'>>;

/** An attribute with SCIM's defaults, so schema files spell out only what differs. */
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

/** value, display, type and primary, as most multi-valued attributes have. */
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
