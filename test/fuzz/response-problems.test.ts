import { describe, expect, it } from 'vitest';
import { compact } from './failure-classes.js';
import { SECRET_MARKER } from './fuzz-strings.js';
import { ERROR_URN, responseProblems } from './response-problems.js';

const scim = 'application/scim+json; charset=utf-8';
const error = (status: string, detail: unknown) => JSON.stringify({ schemas: [ERROR_URN], status, detail });

/** The fuzz suite's judge of one answer: it must see each way an answer can be wrong, and pass a right one. */
describe('responseProblems', () => {
  it('passes a SCIM error and any 2xx', () => {
    expect(responseProblems({ status: 400, contentType: scim, body: error('400', 'filter: too deep') })).toEqual([]);
    expect(responseProblems({ status: 200, contentType: 'text/plain', body: 'anything' })).toEqual([]);
  });

  it('flags a 5xx, whatever its body', () => {
    expect(responseProblems({ status: 500, contentType: scim, body: error('500', 'internal error') })).toEqual(['HTTP 500']);
  });

  it('flags a 4xx that is not a SCIM error of its own status, with a detail, as application/scim+json', () => {
    expect(responseProblems({ status: 400, contentType: 'application/json; charset=utf-8', body: '{"statusCode":400,"error":"Bad Request"}' })).toEqual([
      'content-type application/json; charset=utf-8',
      'no Error schema',
      'body status undefined',
      'no detail',
    ]);
    expect(responseProblems({ status: 404, contentType: scim, body: error('400', ' ') })).toEqual(['body status "400"', 'no detail']);
    expect(responseProblems({ status: 415, contentType: undefined, body: '<html>' })).toEqual(['content-type missing', 'body is not JSON']);
  });

  it('flags a detail that quotes the request at length or names a password', () => {
    expect(responseProblems({ status: 400, contentType: scim, body: error('400', `count must be an integer, got ${'a'.repeat(1_000)}`) })).toEqual(['detail of 1030 characters']);
    expect(responseProblems({ status: 400, contentType: scim, body: error('400', `${'😀'.repeat(512)} is taken`) })).toEqual([]);
    expect(responseProblems({ status: 400, contentType: scim, body: error('400', `password "${SECRET_MARKER}" is not stored`) })).toEqual(['detail quotes a password']);
  });
});

describe('compact', () => {
  it('writes long runs as a count, and cuts what is still long', () => {
    expect(compact(`${'('.repeat(10_000)}x${')'.repeat(10_000)}`)).toBe('«( ×10000»x«) ×10000»');
    expect(compact('abc'.repeat(500), 20)).toBe('«abc ×500»');
    expect(compact('abcdefghijklmnopqrstuvwxyz'.repeat(20), 10)).toBe('abcdefghij… (520 chars)');
  });
});
