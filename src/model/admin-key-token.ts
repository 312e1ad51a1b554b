import { randomBytes } from 'node:crypto';
import { hashSecret, type ParsedToken } from './api-key-token.js';

/** Its own prefix, so admin keys open only the console and no other key does. */
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
