import { defineAttribute, type SchemaAttribute } from './schema-attribute.js';

/** Attributes every resource has but no schema lists; lookups treat them as part of the core schema. */
export const COMMON_ATTRIBUTES: readonly SchemaAttribute[] = [
  defineAttribute('id', 'string', 'A unique identifier for a SCIM resource as defined by the service provider.', {
    caseExact: true,
    mutability: 'readOnly',
    returned: 'always',
    uniqueness: 'server',
  }),
  defineAttribute('externalId', 'string', 'A String that is an identifier for the resource as defined by the provisioning client.', {
    caseExact: true,
  }),
  defineAttribute('meta', 'complex', 'A complex attribute containing resource metadata.', {
    mutability: 'readOnly',
    subAttributes: [
      defineAttribute('resourceType', 'string', 'The name of the resource type of the resource.', { caseExact: true, mutability: 'readOnly' }),
      defineAttribute('created', 'dateTime', 'The DateTime that the resource was added to the service provider.', { mutability: 'readOnly' }),
      defineAttribute('lastModified', 'dateTime', 'The most recent DateTime that the details of this resource were updated at the service provider.', {
        mutability: 'readOnly',
      }),
      defineAttribute('location', 'reference', 'The URI of the resource being returned.', {
        caseExact: true,
        mutability: 'readOnly',
        referenceTypes: ['uri'],
      }),
      defineAttribute('version', 'string', 'The version of the resource being returned.', { caseExact: true, mutability: 'readOnly' }),
    ],
  }),
];
