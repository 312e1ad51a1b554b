import { describe, expect, it } from 'vitest';
import { matchesFilter } from '../../../../src/scim/filter/evaluate-filter.js';
import { parseFilter } from '../../../../src/scim/filter/parse-filter.js';
import { ScimError } from '../../../../src/scim/scim-error.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const user = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
  id: 'u-1',
  externalId: 'Ext-1',
  userName: 'Babs@Example.com',
  name: { givenName: 'Barbara', familyName: 'Jensen' },
  active: true,
  emails: [
    { value: 'babs@work.example.com', type: 'work', primary: true },
    { value: 'babs@home.example.org', type: 'home' },
  ],
  meta: { lastModified: '2026-11-23T15:00:00.000Z' },
  [ENTERPRISE]: { employeeNumber: '701984', manager: { value: 'm-1' } },
  creditLimit: 250,
};

const matches = (filter: string, value: Record<string, unknown> = user, caseExact?: (p: { attribute: string; subAttribute?: string }) => boolean) =>
  matchesFilter(parseFilter(filter), value, caseExact ? { caseExact } : {});

describe('matchesFilter', () => {
  it.each([
    ['userName eq "babs@example.com"', true],
    ['USERNAME eq "BABS@EXAMPLE.COM"', true],
    ['userName ne "babs@example.com"', false],
    ['userName co "@EXAMPLE"', true],
    ['userName sw "babs"', true],
    ['userName ew ".com"', true],
    ['userName ew ".org"', false],
    ['name.familyName eq "jensen"', true],
    ['Name.FamilyName eq "jensen"', true],
    ['title pr', false],
    ['title eq null', true],
    ['title ne "x"', true],
    ['name pr', true],
    ['active eq true', true],
    ['active eq false', false],
    ['active eq "True"', false],
    ['emails eq "babs@home.example.org"', true],
    ['emails.type eq "home"', true],
    ['emails.value co "@work."', true],
    ['emails ne "babs@home.example.org"', false],
    ['emails[type eq "work" and value co "@work"]', true],
    ['emails[type eq "home" and primary eq true]', false],
    ['emails[type eq "work"].value eq "babs@work.example.com"', true],
    ['emails[type eq "home"].value eq "babs@work.example.com"', false],
    ['meta.lastModified gt "2026-11-23T14:00:00Z"', true],
    ['meta.lastModified ge "2026-11-23T16:00:00+01:00"', true],
    ['meta.lastModified lt "2026-11-23T15:00:00Z"', false],
    ['creditLimit gt 100', true],
    ['creditLimit le 100', false],
    ['creditLimit eq "250"', true],
    [`${ENTERPRISE}:employeeNumber eq "701984"`, true],
    [`${ENTERPRISE}:manager.value eq "m-1"`, true],
    ['urn:ietf:params:scim:schemas:core:2.0:User:userName sw "babs"', true],
    ['not (userName eq "x") and (active eq false or emails pr)', true],
    ['not (emails[type eq "work"])', false],
  ])('%s → %s', (filter, expected) => {
    expect(matches(filter)).toBe(expected);
  });

  it('compares case-sensitively when the attribute is caseExact', () => {
    const caseExact = (p: { attribute: string }) => p.attribute === 'externalId';
    expect(matches('externalId eq "ext-1"', user, caseExact)).toBe(false);
    expect(matches('externalId eq "Ext-1"', user, caseExact)).toBe(true);
    expect(matches('externalId eq "ext-1"')).toBe(true);
  });

  it('evaluates an element of a multi-valued attribute, as the PATCH engine does', () => {
    expect(matches('value eq "u-2"', { value: 'u-2', display: 'Two' })).toBe(true);
    expect(matches('type eq "work"', { value: 'x', type: 'home' })).toBe(false);
  });

  it.each(['active gt true', 'userName co null', 'title lt null'])('refuses %s as invalidFilter', (filter) => {
    expect(() => matches(filter)).toThrow(ScimError);
  });
});
