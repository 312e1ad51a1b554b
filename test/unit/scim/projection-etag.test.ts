import { describe, expect, it } from 'vitest';
import { checkIfMatch, isNotModified } from '../../../src/scim/etag.js';
import { parseListRequest } from '../../../src/scim/list-request.js';
import { project } from '../../../src/scim/projection.js';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const resource = {
  schemas: [USER, ENT],
  id: '1',
  userName: 'a',
  name: { givenName: 'A', familyName: 'B' },
  emails: [{ value: 'a@x', type: 'work' }],
  [ENT]: { department: 'D', costCenter: 'C' },
  meta: { resourceType: 'User' },
};

describe('projection', () => {
  it('returns only the asked attributes plus id and schemas', () => {
    expect(project(resource, { attributes: ['userName', 'name.givenName', `${ENT}:department`], excludedAttributes: [] }, [ENT], USER)).toEqual({
      schemas: [USER, ENT],
      id: '1',
      userName: 'a',
      name: { givenName: 'A' },
      [ENT]: { department: 'D' },
    });
    expect(project(resource, { attributes: ['emails.value'], excludedAttributes: [] }, [ENT], USER).emails).toEqual([{ value: 'a@x' }]);
  });
  it('drops excluded attributes but never id or schemas', () => {
    const out = project(resource, { attributes: [], excludedAttributes: ['emails', 'id', 'name.familyName', ENT] }, [ENT], USER);
    expect(out).toEqual({ schemas: [USER, ENT], id: '1', userName: 'a', name: { givenName: 'A' }, meta: { resourceType: 'User' } });
  });
});

describe('list parameters', () => {
  const limits = { defaultCount: 100, maxCount: 500 };
  it('defaults, clamps and parses', () => {
    expect(parseListRequest({}, limits)).toMatchObject({ startIndex: 1, count: 100, descending: false });
    expect(parseListRequest({ startIndex: '0', count: '9999' }, limits)).toMatchObject({ startIndex: 1, count: 500 });
    expect(parseListRequest({ count: '0' }, limits).count).toBe(0);
    expect(parseListRequest({ attributes: 'userName, emails', sortOrder: 'Descending' }, limits)).toMatchObject({ attributes: ['userName', 'emails'], descending: true });
  });
  it('refuses non-integers', () => {
    expect(() => parseListRequest({ count: 'ten' }, limits)).toThrow(/count must be an integer/);
    expect(() => parseListRequest({ sortOrder: 'up' }, limits)).toThrow(/sortOrder/);
  });
});

describe('ETags', () => {
  it('If-Match passes on the current version or *, and fails with 412 otherwise', () => {
    expect(() => checkIfMatch('W/"3"', 3)).not.toThrow();
    expect(() => checkIfMatch('"3"', 3)).not.toThrow();
    expect(() => checkIfMatch('*', 3)).not.toThrow();
    expect(() => checkIfMatch(undefined, 3)).not.toThrow();
    expect(() => checkIfMatch('W/"2"', 3)).toThrow(expect.objectContaining({ status: 412 }));
  });
  it('If-None-Match tells when a 304 is the answer', () => {
    expect(isNotModified('W/"3"', 3)).toBe(true);
    expect(isNotModified('W/"2", W/"3"', 3)).toBe(true);
    expect(isNotModified('W/"2"', 3)).toBe(false);
  });
});
