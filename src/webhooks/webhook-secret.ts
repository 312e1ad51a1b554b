import { randomBytes } from 'node:crypto';

/** Standard Webhooks' prefix; the base64 after it is the HMAC key. */
const SECRET_PREFIX = 'whsec_';

export function generateWebhookSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}
