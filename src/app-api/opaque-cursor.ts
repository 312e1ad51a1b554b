/** A cursor's wire form: JSON in base64url, opaque to apps (they pass it back unchanged). */
export function encodeOpaque(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** What `encodeOpaque` made, or undefined for anything else; the caller validates its shape. */
export function decodeOpaque(text: string): unknown {
  try {
    return JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}
