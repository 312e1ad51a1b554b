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
 * One page of a listing consistent with one event sequence. The first page reads the workspace's current sequence
 * S; every page, the first included, returns only rows written at or before S, and the cursor carries S to the next.
 * What changes after S reaches the app as events after S, so listing every page and then following the events from
 * S sees each change once. The read runs off the event loop, in one of the workspace's turns for expensive reads.
 */
export async function listingPage<Row, Item>(
  options: AppRouteOptions,
  request: {
    workspaceId: string;
    /** The listing and its filters (listingKey): a cursor answers only the question it was made for. */
    listing: string;
    cursor: string | undefined;
    limit: number;
    /** Checks on the first page only, for instance that the group listed exists. */
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
