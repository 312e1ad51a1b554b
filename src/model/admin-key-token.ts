import { randomBytes } from 'node:crypto';
import { hashSecret, type ParsedToken } from './api-key-token.js';

/**
 * Admin keys open the web console and nothing else. They look like `rosterd_admin_<keyId>_<secret>`: the same id and
 * secret as workspace (SCIM) and app keys, hashed and compared the same way (api-key-token.ts), under a prefix of
 * their own. No parser accepts another's tokens, so an admin key never opens SCIM or the app API, and neither kind
 * of key opens the console.
 */
const ADMIN_TOKEN_PATTERN = /^rosterd_admin_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;
const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

export function generateAdminKey(): { keyId: string; token: string; hash: string } {
  const keyId = Array.from(randomBytes(12), (b) => ID_ALPHABET[b % ID_ALPHABET.length]).join('');
  const secret = randomBytes(32).toString('base64url');
  return { keyId, token: `rosterd_admin_${keyId}_${secret}`, hash: hashSecret(secret) };
}

export function parseAdminKey(token: string): ParsedToken | null {
  const match = ADMIN_TOKEN_PATTERN.exec(token);
  return match ? { keyId: match[1]!, secret: match[2]! } : null;
}
