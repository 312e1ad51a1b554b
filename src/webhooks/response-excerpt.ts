/** The most of a response body kept in the delivery history. */
export const EXCERPT_CHARS = 500;

/** Bytes kept from a body at most: enough for EXCERPT_CHARS of any UTF-8, and no more whatever the receiver sends. */
export const EXCERPT_BYTES = EXCERPT_CHARS * 4;

/** The start of a body's bytes as text, at most EXCERPT_CHARS characters. */
export function excerptOf(bytes: Buffer): string {
  const text = new TextDecoder().decode(bytes.subarray(0, EXCERPT_BYTES));
  return text.length > EXCERPT_CHARS ? text.slice(0, EXCERPT_CHARS) : text;
}
