/** The most of a response body kept in the delivery history. */
export const EXCERPT_CHARS = 500;

/** Bytes read from a body at most: enough for EXCERPT_CHARS of any UTF-8, and no more whatever the receiver sends. */
const MAX_BYTES = EXCERPT_CHARS * 4;

/**
 * The start of a response body as text, at most EXCERPT_CHARS characters; the rest of the body is dropped unread.
 * Reading stops at the bound, so a receiver that streams forever costs nothing past it.
 */
export async function responseExcerpt(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < MAX_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    if (size >= MAX_BYTES) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
  const text = new TextDecoder().decode(Buffer.concat(chunks).subarray(0, MAX_BYTES));
  return text.length > EXCERPT_CHARS ? text.slice(0, EXCERPT_CHARS) : text;
}
