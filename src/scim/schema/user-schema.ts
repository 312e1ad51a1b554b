import { defineAttribute, multiValuedSubAttributes, type ScimSchema } from './schema-attribute.js';
import { URN } from '../scim-urn.js';

const nameSubAttribute = (name: string, description: string) => defineAttribute(name, 'string', description);

/** The core User schema as stored; unstored attributes are not advertised, since they never round-trip. */
export const userSchema: ScimSchema = {
  id: URN.user,
  name: 'User',
  description: 'User Account',
  attributes: [
    defineAttribute('userName', 'string', 'Unique identifier for the User, typically used by the user to directly authenticate to the service provider.', {
      required: true,
      uniqueness: 'server',
    }),
    defineAttribute('name', 'complex', "The components of the user's real name.", {
      subAttributes: [
        nameSubAttribute('formatted', "The full name, including all middle names, titles, and suffixes as appropriate, formatted for display."),
        nameSubAttribute('familyName', 'The family name of the User, or last name in most Western languages.'),
        nameSubAttribute('givenName', 'The given name of the User, or first name in most Western languages.'),
        nameSubAttribute('middleName', 'The middle name(s) of the User.'),
        nameSubAttribute('honorificPrefix', "The honorific prefix(es) of the User, or title in most Western languages (e.g., 'Ms.')."),
        nameSubAttribute('honorificSuffix', "The honorific suffix(es) of the User, or suffix in most Western languages (e.g., 'III')."),
      ],
    }),
    defineAttribute('displayName', 'string', 'The name of the User, suitable for display to end-users.'),
    defineAttribute('nickName', 'string', 'The casual way to address the user in real life.'),
    defineAttribute('profileUrl', 'reference', "A fully qualified URL pointing to a page representing the User's online profile.", {
      referenceTypes: ['external'],
    }),
    defineAttribute('title', 'string', "The user's title, such as 'Vice President'."),
    defineAttribute('userType', 'string', 'Used to identify the relationship between the organization and the user.'),
    defineAttribute('preferredLanguage', 'string', "Indicates the User's preferred written or spoken language (RFC 7231 Accept-Language format)."),
    defineAttribute('locale', 'string', "Used to indicate the User's default location for localization (e.g. 'en-US')."),
    defineAttribute('timezone', 'string', "The User's time zone in the 'Olson' time zone database format, e.g. 'America/Los_Angeles'."),
    defineAttribute('active', 'boolean', "A Boolean value indicating the User's administrative status."),
    defineAttribute('emails', 'complex', 'Email addresses for the user.', {
      multiValued: true,
      subAttributes: multiValuedSubAttributes('email address', ['work', 'home', 'other']),
    }),
    defineAttribute('phoneNumbers', 'complex', 'Phone numbers for the User.', {
      multiValued: true,
      subAttributes: multiValuedSubAttributes('phone number', ['work', 'home', 'mobile', 'fax', 'pager', 'other']),
    }),
    defineAttribute('addresses', 'complex', 'A physical mailing address for this User.', {
      multiValued: true,
      subAttributes: [
        defineAttribute('formatted', 'string', 'The full mailing address, formatted for display or use with a mailing label.'),
        defineAttribute('streetAddress', 'string', 'The full street address component.'),
        defineAttribute('locality', 'string', 'The city or locality component.'),
        defineAttribute('region', 'string', 'The state or region component.'),
        defineAttribute('postalCode', 'string', 'The zip code or postal code component.'),
        defineAttribute('country', 'string', 'The country name component (ISO 3166-1 alpha-2).'),
        defineAttribute('type', 'string', "A label indicating the address's function.", { canonicalValues: ['work', 'home', 'other'] }),
        defineAttribute('primary', 'boolean', "A Boolean value indicating the 'primary' or preferred address."),
      ],
    }),
    defineAttribute('groups', 'complex', 'A list of groups to which the user belongs. Managed through the Group resource, so read-only here.', {
      multiValued: true,
      mutability: 'readOnly',
      subAttributes: [
        defineAttribute('value', 'string', "The identifier of the User's group.", { mutability: 'readOnly' }),
        defineAttribute('$ref', 'reference', "The URI of the corresponding 'Group' resource.", {
          mutability: 'readOnly',
          referenceTypes: ['User', 'Group'],
        }),
        defineAttribute('display', 'string', "A human-readable name, primarily used for display purposes.", { mutability: 'readOnly' }),
        defineAttribute('type', 'string', "A label indicating the attribute's function, e.g., 'direct' or 'indirect'.", {
          mutability: 'readOnly',
          canonicalValues: ['direct', 'indirect'],
        }),
      ],
    }),
    defineAttribute('roles', 'complex', "A list of roles for the User that collectively represent who the User is, e.g., 'Student', 'Faculty'.", {
      multiValued: true,
      subAttributes: multiValuedSubAttributes('role', undefined),
    }),
  ],
};
