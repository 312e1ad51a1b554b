import { defineAttribute, type ScimSchema } from './schema-attribute.js';
import { URN } from '../scim-urn.js';

export const enterpriseUserSchema: ScimSchema = {
  id: URN.enterpriseUser,
  name: 'EnterpriseUser',
  description: 'Enterprise User',
  attributes: [
    defineAttribute('employeeNumber', 'string', 'Numeric or alphanumeric identifier assigned to a person, typically based on order of hire or association with an organization.'),
    defineAttribute('costCenter', 'string', 'Identifies the name of a cost center.'),
    defineAttribute('organization', 'string', 'Identifies the name of an organization.'),
    defineAttribute('division', 'string', 'Identifies the name of a division.'),
    defineAttribute('department', 'string', 'Identifies the name of a department.'),
    defineAttribute('manager', 'complex', "The User's manager.", {
      subAttributes: [
        defineAttribute('value', 'string', 'The id of the SCIM resource representing the User\'s manager.'),
        defineAttribute('$ref', 'reference', "The URI of the SCIM resource representing the User's manager.", { referenceTypes: ['User'] }),
        defineAttribute('displayName', 'string', "The displayName of the User's manager. READ-ONLY.", { mutability: 'readOnly' }),
      ],
    }),
  ],
};
