import { randomBytes } from 'node:crypto';

/** The prefix Standard Webhooks gives a signing secret; the base64 after it is the HMAC key. */
const SECRET_PREFIX = 'whsec_';

/** A new signing secret, `whsec_<base64 of 32 random bytes>`: what the standardwebhooks package takes to sign and verify. */
export function generateWebhookSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}
