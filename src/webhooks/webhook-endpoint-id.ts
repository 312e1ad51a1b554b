import { randomBytes } from 'node:crypto';

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** Short enough to type in `rosterd webhook enable <id>`. */
export function newWebhookEndpointId(): string {
  return `wh_${Array.from(randomBytes(12), (b) => ID_ALPHABET[b % ID_ALPHABET.length]).join('')}`;
}
