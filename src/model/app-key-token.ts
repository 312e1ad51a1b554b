import { randomBytes } from 'node:crypto';
import { hashSecret, type ParsedToken } from './api-key-token.js';

/**
 * App API keys look like `rosterd_app_<keyId>_<secret>`: the same id and secret as workspace (SCIM) keys, hashed and
 * compared the same way (api-key-token.ts), under a prefix of their own. Neither parser accepts the other's tokens,
 * so a SCIM key never opens the app API and an app key never opens SCIM.
 */
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
