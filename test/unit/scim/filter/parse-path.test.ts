import { describe, expect, it } from 'vitest';
import { parsePatchPath } from '../../../../src/scim/filter/parse-path.js';
import { ScimError } from '../../../../src/scim/scim-error.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

describe('parsePatchPath', () => {
  it('parses a plain attribute', () => {
    expect(parsePatchPath('members')).toEqual({ attribute: 'members' });
  });

  it('parses a sub-attribute', () => {
    expect(parsePatchPath('name.familyName')).toEqual({ attribute: 'name', subAttribute: 'familyName' });
  });

  it('parses URN-qualified paths', () => {
    expect(parsePatchPath(`${ENTERPRISE}:employeeNumber`)).toEqual({ uri: ENTERPRISE, attribute: 'employeeNumber' });
    expect(parsePatchPath(`${ENTERPRISE}:manager`)).toEqual({ uri: ENTERPRISE, attribute: 'manager' });
    expect(parsePatchPath(`${ENTERPRISE}:manager.value`)).toEqual({ uri: ENTERPRISE, attribute: 'manager', subAttribute: 'value' });
  });

  it('parses a value filter', () => {
    expect(parsePatchPath('members[value eq "2819c223-7f76-453a-919d-413861904646"]')).toEqual({
      attribute: 'members',
      filter: { op: 'eq', path: { attribute: 'value' }, value: '2819c223-7f76-453a-919d-413861904646' },
    });
  });

  it('parses a value filter followed by a sub-attribute', () => {
    expect(parsePatchPath('emails[type eq "work"].value')).toEqual({
      attribute: 'emails',
      subAttribute: 'value',
      filter: { op: 'eq', path: { attribute: 'type' }, value: 'work' },
    });
    expect(parsePatchPath('addresses[type eq "work" and primary eq true].streetAddress')).toMatchObject({
      attribute: 'addresses',
      subAttribute: 'streetAddress',
      filter: { op: 'and' },
    });
  });

  it.each([
    ['', 'path: the path is empty'],
    ['emails[type eq "work"', 'path: expected "]" at position 21 to close the "[" at position 6'],
    ['emails[type eq "work"] eq "x"', 'path: expected the end of the path at position 23, got "eq"'],
    ['name.familyName eq "x"', 'path: expected the end of the path at position 16'],
    ['name.givenName[value eq "x"]', 'a value filter must follow a multi-valued attribute'],
    ['"members"', 'path: expected an attribute path at position 0'],
    ['emails[type eq work]', 'string values must be in double quotes'],
  ])('%j is an invalidPath', (text, message) => {
    try {
      parsePatchPath(text);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ScimError);
      expect((error as ScimError).scimType).toBe('invalidPath');
      expect((error as ScimError).detail).toContain(message);
    }
  });
});
