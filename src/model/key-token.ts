import { hash, randomBytes, timingSafeEqual } from 'node:crypto';

// Every rosterd key is `<prefix><keyId>_<secret>`: the key id finds its row without a scan, and the secret is 256
// random bits, so a fast hash suffices. Each kind of key has a prefix of its own, and no parser accepts another's.

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

export interface ParsedToken {
  keyId: string;
  secret: string;
}

export interface KeyTokenFormat {
  /** A new key: the token to show once, its id, and the hash to store. */
  generate(): { keyId: string; token: string; hash: string };
  parse(token: string): ParsedToken | null;
}

/** The format of keys starting with `prefix` (letters and underscores). */
export function keyTokenFormat(prefix: string): KeyTokenFormat {
  const pattern = new RegExp(`^${prefix}([a-z0-9]{12})_([A-Za-z0-9_-]{43})$`);
  return {
    generate() {
      const keyId = Array.from(randomBytes(12), (b) => ID_ALPHABET[b % ID_ALPHABET.length]).join('');
      const secret = randomBytes(32).toString('base64url');
      return { keyId, token: `${prefix}${keyId}_${secret}`, hash: hashSecret(secret) };
    },
    parse(token) {
      const match = pattern.exec(token);
      return match ? { keyId: match[1]!, secret: match[2]! } : null;
    },
  };
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
