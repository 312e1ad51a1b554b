import { randomBytes } from 'node:crypto';
import { hashSecret, type ParsedToken } from './api-key-token.js';

/** Its own prefix, so SCIM and app keys never open each other's API. */
const APP_TOKEN_PATTERN = /^rosterd_app_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;
const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

export function generateAppKey(): { keyId: string; token: string; hash: string } {
  const keyId = Array.from(randomBytes(12), (b) => ID_ALPHABET[b % ID_ALPHABET.length]).join('');
  const secret = randomBytes(32).toString('base64url');
  return { keyId, token: `rosterd_app_${keyId}_${secret}`, hash: hashSecret(secret) };
}

export function parseAppKey(token: string): ParsedToken | null {
  const match = APP_TOKEN_PATTERN.exec(token);
  return match ? { keyId: match[1]!, secret: match[2]! } : null;
}
