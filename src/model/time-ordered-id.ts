import { randomFillSync } from 'node:crypto';

/** Random bytes drawn from the CSPRNG in blocks: one call per id costs more than the rest of making the id. */
const POOL_SIZE = 4096;
const RANDOM_BYTES = 10;
const pool = Buffer.alloc(POOL_SIZE);
let poolOffset = POOL_SIZE;

/**
 * A UUID version 7 (RFC 9562 §5.7): 48 bits of Unix milliseconds, then 74 random bits. Ids made close in time
 * sort close together, so inserting thousands of members (a pull's first cycle) appends to the primary-key and
 * (created_at, id) indexes instead of rewriting pages all over them, as random version 4 ids do. Still a UUID to
 * SCIM clients; it reveals only the creation time, which meta.created shows anyway.
 */
export function timeOrderedId(now: number = Date.now()): string {
  if (poolOffset + RANDOM_BYTES > POOL_SIZE) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const bytes = Buffer.allocUnsafe(16);
  let ms = now;
  for (let i = 5; i >= 0; i--) {
    bytes[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  pool.copy(bytes, 6, poolOffset, poolOffset + RANDOM_BYTES);
  poolOffset += RANDOM_BYTES;
  bytes[6] = 0x70 | (bytes[6]! & 0x0f);
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
