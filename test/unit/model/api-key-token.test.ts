import { describe, expect, it } from 'vitest';
import { generateApiKey, hashSecret, parseApiKey, secretMatches } from '../../../src/model/api-key-token.js';
import { tokenFromHeader } from '../../../src/scim/auth/authenticate.js';

describe('API key tokens', () => {
  it('round-trips: the token parses to its key id, and only the hash of the secret is kept', () => {
    const { keyId, token, hash } = generateApiKey();
    const parsed = parseApiKey(token);
    expect(parsed?.keyId).toBe(keyId);
    expect(hash).toBe(hashSecret(parsed!.secret));
    expect(hash).not.toContain(parsed!.secret);
    expect(secretMatches(parsed!.secret, hash)).toBe(true);
    expect(secretMatches(`${parsed!.secret}x`, hash)).toBe(false);
  });
  it('never issues the same key twice', () => {
    const tokens = new Set(Array.from({ length: 200 }, () => generateApiKey().token));
    expect(tokens.size).toBe(200);
  });
  it('rejects tokens of another shape', () => {
    expect(parseApiKey('abc')).toBeNull();
    expect(parseApiKey('Bearer rosterd_x')).toBeNull();
  });
  it('takes "Bearer <key>" in any case, or the bare key (Okta Header Auth)', () => {
    expect(tokenFromHeader('Bearer abc')).toBe('abc');
    expect(tokenFromHeader('bearer   abc ')).toBe('abc');
    expect(tokenFromHeader('abc')).toBe('abc');
    expect(tokenFromHeader(undefined)).toBeNull();
    expect(tokenFromHeader('Bearer ')).toBe('Bearer');
  });
});
