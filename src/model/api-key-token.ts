import { hash, randomBytes, timingSafeEqual } from 'node:crypto';

/** The key id finds the row without a scan. The secret is 256 random bits, so a fast hash suffices. */
const TOKEN_PATTERN = /^rosterd_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;
const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

export interface ParsedToken {
  keyId: string;
  secret: string;
}

export function generateApiKey(): { keyId: string; token: string; hash: string } {
  const bytes = randomBytes(12);
  const keyId = Array.from(bytes, (b) => ID_ALPHABET[b % ID_ALPHABET.length]).join('');
  const secret = randomBytes(32).toString('base64url');
  return { keyId, token: `rosterd_${keyId}_${secret}`, hash: hashSecret(secret) };
}

export function parseApiKey(token: string): ParsedToken | null {
  const match = TOKEN_PATTERN.exec(token);
  return match ? { keyId: match[1]!, secret: match[2]! } : null;
}

export function hashSecret(secret: string): string {
  return hash('sha256', secret, 'hex');
}

export function secretMatches(secret: string, storedHash: string): boolean {
  const presented = hash('sha256', secret, 'buffer');
  const stored = Buffer.from(storedHash, 'hex');
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}

/** For unknown key ids, so both paths take the same time. */
export const DECOY_HASH = hashSecret('rosterd-decoy');
