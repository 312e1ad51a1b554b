import { z } from 'zod';
import { AppApiError } from './app-api-error.js';
import { decodeOpaque, encodeOpaque } from './opaque-cursor.js';

/** The seq the first page was cut at, the last id returned, and the filters. Opaque to apps. */
export interface ListingCursor {
  eventSeq: number;
  afterId: string;
  /** A cursor answers only the question it was made for. */
  listing: string;
}

const wireSchema = z.object({ s: z.number().int().min(0), a: z.string().min(1).max(500), l: z.string().max(5000) }).strict();

export function encodeListingCursor(cursor: ListingCursor): string {
  return encodeOpaque({ s: cursor.eventSeq, a: cursor.afterId, l: cursor.listing });
}

/** Invalid_cursor unless this listing made it. */
export function decodeListingCursor(text: string, listing: string): ListingCursor {
  const wire = wireSchema.safeParse(decodeOpaque(text));
  if (!wire.success) throw new AppApiError('invalid_cursor', 'the cursor is not one this API made: pass nextCursor from the previous page unchanged, or leave it out to start over');
  if (wire.data.l !== listing) {
    throw new AppApiError('invalid_cursor', 'the cursor belongs to another listing or other filters: keep the path and filters of the first page, or leave the cursor out to start over');
  }
  return { eventSeq: wire.data.s, afterId: wire.data.a, listing: wire.data.l };
}

/** Independent of query parameter order. */
export function listingKey(path: string, filters: Record<string, string | number | boolean | undefined>): string {
  const parts = Object.keys(filters)
    .filter((k) => filters[k] !== undefined)
    .sort()
    .map((k) => `${k}=${String(filters[k])}`);
  return [path, ...parts].join('&');
}
