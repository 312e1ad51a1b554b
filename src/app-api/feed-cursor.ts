import { z } from 'zod';
import { AppApiError } from './app-api-error.js';
import { decodeOpaque, encodeOpaque } from './opaque-cursor.js';

/**
 * The all-workspaces feed position: last seq seen per workspace (unnamed ones start at 0) and the workspace read last,
 * so the next answer starts after it and no busy workspace starves the others. Opaque to apps.
 */
export interface FeedPosition {
  seqs: Map<string, number>;
  readLast: string | null;
}

const wireSchema = z.object({ p: z.record(z.string().min(1).max(500), z.number().int().min(0)), r: z.string().max(500).nullable().optional() }).strict();

export function encodeFeedCursor(position: FeedPosition): string {
  const p: Record<string, number> = {};
  for (const [workspaceId, seq] of position.seqs) if (seq > 0) p[workspaceId] = seq;
  return encodeOpaque({ p, r: position.readLast });
}

export function decodeFeedCursor(text: string): FeedPosition {
  const wire = wireSchema.safeParse(decodeOpaque(text));
  if (!wire.success) throw new AppApiError('invalid_cursor', 'the cursor is not one this feed made: pass nextCursor from the previous answer unchanged, or leave it out to start from the oldest events kept');
  return { seqs: new Map(Object.entries(wire.data.p)), readLast: wire.data.r ?? null };
}
