import { randomFillSync } from 'node:crypto';

/** Drawn in blocks: a CSPRNG call per id costs more than the rest. */
const POOL_SIZE = 4096;
const RANDOM_BYTES = 10;
const pool = Buffer.alloc(POOL_SIZE);
let poolOffset = POOL_SIZE;

/** Reused: the function never awaits. */
const bytes = Buffer.alloc(16);
const UUID_LENGTH = 36;
const text = Buffer.alloc(UUID_LENGTH, '-');
const HEX = Buffer.from('0123456789abcdef', 'latin1');

/** UUID v7: ids sort by time, so bulk inserts append to indexes rather than scatter. */
export function timeOrderedId(now: number = Date.now()): string {
  if (poolOffset + RANDOM_BYTES > POOL_SIZE) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  let ms = now;
  for (let i = 5; i >= 0; i--) {
    bytes[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  pool.copy(bytes, 6, poolOffset, poolOffset + RANDOM_BYTES);
  poolOffset += RANDOM_BYTES;
  bytes[6] = 0x70 | (bytes[6]! & 0x0f);
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  // A reused buffer: string slicing allocates per id on this hot path.
  let at = 0;
  for (let i = 0; i < 16; i++) {
    if (at === 8 || at === 13 || at === 18 || at === 23) at++;
    text[at++] = HEX[bytes[i]! >> 4]!;
    text[at++] = HEX[bytes[i]! & 0x0f]!;
  }
  return text.toString('latin1', 0, UUID_LENGTH);
}
