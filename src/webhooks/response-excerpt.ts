export const EXCERPT_CHARS = 500;

/** Enough for EXCERPT_CHARS of any UTF-8, and no more whatever the receiver sends. */
export const EXCERPT_BYTES = EXCERPT_CHARS * 4;

export function excerptOf(bytes: Buffer): string {
  const text = new TextDecoder().decode(bytes.subarray(0, EXCERPT_BYTES));
  return text.length > EXCERPT_CHARS ? text.slice(0, EXCERPT_CHARS) : text;
}
