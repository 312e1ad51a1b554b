import { createHash } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import type { AppRoleCatalogue, EntraGrant } from './entra-mapper.js';

/**
 * Graph has no delta for app-role assignments, and unassigning doesn't touch the user, so the cursor also carries who
 * was assigned with a grants fingerprint; the next cycle re-lists and diffs.
 */
export interface EntraCursor {
  /** Used verbatim; its token encodes the `$select`. */
  deltaLink: string;
  /** Selecting more needs a fresh round. */
  select: string;
  assigned: Map<string, string>;
}

const PREFIX = 'entra2.';
/** Still read, so upgrades don't force a full snapshot. */
const DEFLATED_PREFIX = 'entra1.';

/** Users grouped by fingerprint (nearly all share a few). Not compressed: GUIDs barely shrink. */
export function encodeCursor(cursor: Omit<EntraCursor, 'assigned'> & { assigned: Iterable<readonly [string, string]> }): string {
  const byFingerprint = new Map<string, string[]>();
  for (const [id, fingerprint] of cursor.assigned) {
    const ids = byFingerprint.get(fingerprint);
    if (ids) ids.push(id);
    else byFingerprint.set(fingerprint, [id]);
  }
  return PREFIX + JSON.stringify({ d: cursor.deltaLink, s: cursor.select, a: [...byFingerprint] });
}

/** Null when not ours or damaged: then a full snapshot. */
export function decodeCursor(text: string): EntraCursor | null {
  if (text.startsWith(DEFLATED_PREFIX)) return decodeDeflated(text.slice(DEFLATED_PREFIX.length));
  if (!text.startsWith(PREFIX)) return null;
  try {
    const raw = JSON.parse(text.slice(PREFIX.length)) as { d?: unknown; s?: unknown; a?: unknown };
    if (typeof raw.d !== 'string' || typeof raw.s !== 'string' || !Array.isArray(raw.a)) return null;
    const assigned = new Map<string, string>();
    for (const group of raw.a as unknown[]) {
      if (!Array.isArray(group) || typeof group[0] !== 'string' || !Array.isArray(group[1])) return null;
      const fingerprint = group[0];
      for (const id of group[1] as unknown[]) {
        if (typeof id !== 'string') return null;
        assigned.set(id, fingerprint);
      }
    }
    return { deltaLink: raw.d, select: raw.s, assigned };
  } catch {
    return null;
  }
}

function decodeDeflated(body: string): EntraCursor | null {
  try {
    const raw = JSON.parse(inflateRawSync(Buffer.from(body, 'base64url')).toString('utf8')) as { d?: unknown; s?: unknown; a?: unknown };
    if (typeof raw.d !== 'string' || typeof raw.s !== 'string' || typeof raw.a !== 'string') return null;
    const assigned = new Map<string, string>();
    if (raw.a !== '') {
      for (const entry of raw.a.split(',')) {
        const at = entry.lastIndexOf(':');
        if (at <= 0) return null;
        assigned.set(entry.slice(0, at), entry.slice(at + 1));
      }
    }
    return { deltaLink: raw.d, select: raw.s, assigned };
  } catch {
    return null;
  }
}

/** Order-independent; includes group names and role values so renames count. */
export function grantsFingerprint(grants: readonly EntraGrant[], catalogue: AppRoleCatalogue): string {
  // Grants are shared frozen objects, so cache per grant, not per user.
  const only = grants.length === 1 && Object.isFrozen(grants[0]) ? grants[0]! : null;
  if (!only) return fingerprintOf(grants, catalogue);
  let known = singleGrantFingerprints.get(catalogue);
  if (!known) singleGrantFingerprints.set(catalogue, (known = new WeakMap()));
  let fingerprint = known.get(only);
  if (fingerprint === undefined) known.set(only, (fingerprint = fingerprintOf(grants, catalogue)));
  return fingerprint;
}

const singleGrantFingerprints = new WeakMap<AppRoleCatalogue, WeakMap<EntraGrant, string>>();

function fingerprintOf(grants: readonly EntraGrant[], catalogue: AppRoleCatalogue): string {
  const keys = grants.map((g) => `${g.via}\u0000${g.groupId ?? ''}\u0000${g.groupName ?? ''}\u0000${g.appRoleId}\u0000${catalogue.get(g.appRoleId) ?? ''}`);
  keys.sort();
  return createHash('sha1').update(keys.join('\u0001')).digest('base64url').slice(0, 8);
}
