import type { Kysely } from 'kysely';
import type { Database } from '../store/database.js';
import { lastEventSeq } from '../store/event-repository.js';
import type { PageWindow } from './app-listings.js';
import { workspaceNotFound } from './app-auth.js';
import type { AppRouteOptions } from './app-route-options.js';
import { decodeListingCursor, encodeListingCursor } from './listing-cursor.js';

export interface ListingResponse<Item> {
  data: Item[];
  eventSeq: number;
  nextCursor: string | null;
}

/**
 * Every page returns only rows written at or before the seq S read for the first page; later changes reach the app as
 * events after S, so listing then following events from S sees each change once. Reads take a heavy-read turn.
 */
export async function listingPage<Row, Item>(
  options: AppRouteOptions,
  request: {
    workspaceId: string;
    /** A cursor answers only the question it was made for. */
    listing: string;
    cursor: string | undefined;
    limit: number;
    /** E.g. that the listed group exists. */
    firstPageCheck?: (db: Kysely<Database>) => Promise<void>;
    read: (db: Kysely<Database>, window: PageWindow) => Promise<Row[]>;
    keyOf: (row: Row) => string;
    toItem: (row: Row) => Item;
  },
): Promise<ListingResponse<Item>> {
  const db = options.store.heavyReads;
  return options.heavyGate.run(request.workspaceId, async () => {
    let window: PageWindow;
    if (request.cursor !== undefined) {
      const cursor = decodeListingCursor(request.cursor, request.listing);
      window = { eventSeq: cursor.eventSeq, afterId: cursor.afterId, limit: request.limit };
    } else {
      const eventSeq = await lastEventSeq(db, request.workspaceId);
      if (eventSeq === undefined) throw workspaceNotFound(request.workspaceId);
      await request.firstPageCheck?.(db);
      window = { eventSeq, afterId: '', limit: request.limit };
    }
    const rows = await request.read(db, window);
    const page = rows.slice(0, request.limit);
    const last = page[page.length - 1];
    const nextCursor = rows.length > request.limit && last !== undefined ? encodeListingCursor({ eventSeq: window.eventSeq, afterId: request.keyOf(last), listing: request.listing }) : null;
    return { data: page.map(request.toItem), eventSeq: window.eventSeq, nextCursor };
  });
}
