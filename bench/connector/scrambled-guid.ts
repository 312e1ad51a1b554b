/**
 * A random-looking version-4 GUID for each index, and the index back from it, computed rather than stored. Real
 * Entra object ids are random: they go into the store's externalId index in no order, and a connector cursor
 * full of them does not compress. Ids that counted up (b0000000-…-000000000001, …002) made both look cheaper than
 * they are.
 *
 * The last 12 hex digits are the index (below 2^48) through a 4-round Feistel network on two 24-bit halves,
 * which is a bijection and so can be run backwards; the first 20, version and variant digits aside, are a hash of
 * those 12, checked on the way back.
 */
const HALF = 0xffffff;
const ROUND_KEYS = [0x3c6ef3, 0xa54ff5, 0x510e52, 0x9b0568];

const round = (half: number, key: number): number => (Math.imul(half ^ key, 0x9e3779b1) >>> 7) & HALF;

function permute(index: number): [number, number] {
  let left = Math.floor(index / 2 ** 24) & HALF;
  let right = index & HALF;
  for (const key of ROUND_KEYS) [left, right] = [right, left ^ round(right, key)];
  return [left, right];
}

function unpermute(left: number, right: number): number {
  for (let k = ROUND_KEYS.length - 1; k >= 0; k--) [left, right] = [right ^ round(left, ROUND_KEYS[k]!), left];
  return left * 2 ** 24 + right;
}

const hex = (value: number, digits: number): string => (value >>> 0).toString(16).padStart(digits, '0').slice(-digits);

/** 80 bits that look random, from the permuted index: three 32-bit mixes in the style of murmur3's finaliser. */
function headWords(left: number, right: number): [number, number, number] {
  const mix = (x: number): number => {
    x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
    x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
    return (x ^ (x >>> 16)) >>> 0;
  };
  const a = mix(left * 31 + right);
  const b = mix(a ^ right);
  return [a, b, mix(b ^ left)];
}

export function scrambledGuid(index: number): string {
  const [left, right] = permute(index);
  const [a, b, c] = headWords(left, right);
  // 8-4-4-4-12: version 4 in the third group and variant 8–b in the fourth, as a random UUID has.
  return `${hex(a, 8)}-${hex(b >>> 16, 4)}-4${hex(b, 3)}-${hex(8 | (c >>> 30), 1)}${hex(c, 3)}-${hex(left, 6)}${hex(right, 6)}`;
}

const hexAt = (id: string, from: number, to: number): number => Number(`0x${id.slice(from, to)}`);

/** The index a scrambledGuid encodes, or -1 for any other string (compared as numbers: this runs per member read). */
export function unscrambleGuid(id: string): number {
  if (id.length !== 36 || id[8] !== '-' || id[13] !== '-' || id[14] !== '4' || id[18] !== '-' || id[23] !== '-') return -1;
  const left = hexAt(id, 24, 30);
  const right = hexAt(id, 30, 36);
  // NaN unless both halves are hex.
  if (!Number.isInteger(left) || !Number.isInteger(right)) return -1;
  const [a, b, c] = headWords(left, right);
  const matches =
    hexAt(id, 0, 8) === a && hexAt(id, 9, 13) === b >>> 16 && hexAt(id, 15, 18) === (b & 0xfff) && hexAt(id, 19, 23) === (((8 | (c >>> 30)) << 12) | (c & 0xfff));
  return matches ? unpermute(left, right) : -1;
}
