import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApiKey } from '../../../src/admin/create-api-key.js';
import { createWorkspace } from '../../../src/admin/create-workspace.js';
import { apiKeyLookup } from '../../../src/scim/auth/api-key-lookup.js';
import { revokeApiKey, touchApiKey } from '../../../src/store/api-key-repository.js';
import { bumpRevision } from '../../../src/store/workspace-repository.js';
import { createDb } from '../../../src/store/create-db.js';
import type { Store } from '../../../src/store/store.js';
import { DIALECTS, openTestStore, type TestStore } from '../../support/test-store.js';

const now = () => new Date().toISOString();
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe.each(DIALECTS)('apiKeyLookup (%s)', (dialect) => {
  let opened: TestStore | undefined;
  const others: Store[] = [];
  afterEach(async () => {
    for (const other of others.splice(0)) await other.close();
    await opened?.cleanup();
    opened = undefined;
  });

  async function setup() {
    opened = await openTestStore(dialect);
    const { store } = opened;
    await createWorkspace(store.db, { id: 'acme', version: 'v2', now: now() });
    const created = await createApiKey(store.db, { workspaceId: 'acme', name: 'entra', now: now() });
    return { store, keyId: created.key.id, lookup: apiKeyLookup(store) };
  }

  /** A second connection to the same database, as `rosterd key revoke` in another process would open. */
  async function secondConnection(): Promise<Store> {
    const other = opened!.schema ? await createDb(opened!.url, { schema: opened!.schema, poolSize: 1 }) : await createDb(opened!.url);
    others.push(other);
    return other;
  }

  it('finds the key with its workspace, and nothing for an unknown key id', async () => {
    const { keyId, lookup } = await setup();
    const found = await lookup(keyId);
    expect(found?.key.revoked_at).toBeNull();
    expect(found?.workspace.id).toBe('acme');
    expect(await lookup('nosuchkey000')).toBeUndefined();
  });

  it('sees a revocation through the same connection at the next lookup', async () => {
    const { store, keyId, lookup } = await setup();
    expect((await lookup(keyId))?.key.revoked_at).toBeNull();
    await revokeApiKey(store.db, 'acme', keyId, now());
    expect((await lookup(keyId))?.key.revoked_at).not.toBeNull();
  });

  it('sees a revocation and a workspace change made by another connection at the next request', async () => {
    const { keyId, lookup } = await setup();
    expect((await lookup(keyId))?.workspace.name).not.toBe('Renamed');
    const other = await secondConnection();
    await sql`update workspace set name = 'Renamed' where id = 'acme'`.execute(other.db);
    // A request arrives in a later turn of the event loop than the change it should see.
    await nextTurn();
    expect((await lookup(keyId))?.workspace.name).toBe('Renamed');
    await revokeApiKey(other.db, 'acme', keyId, now());
    await nextTurn();
    expect((await lookup(keyId))?.key.revoked_at).not.toBeNull();
  });

  async function generation(store: Store): Promise<number> {
    const row = await store.db.selectFrom('auth_generation').select('generation').where('id', '=', 1).executeTakeFirstOrThrow();
    return Number(row.generation);
  }

  it('moves the auth generation when a key or a workspace changes, and not for member writes, key use or revisions', async () => {
    const { store, keyId } = await setup();
    let last = await generation(store);
    const moved = async () => {
      const now = await generation(store);
      const result = now !== last;
      last = now;
      return result;
    };
    await touchApiKey(store.db, keyId, now());
    await bumpRevision(store.db, 'acme');
    await sql`update membership set version = version + 1`.execute(store.db);
    expect(await moved()).toBe(false);
    await createApiKey(store.db, { workspaceId: 'acme', name: 'okta', now: now() });
    expect(await moved()).toBe(true);
    await revokeApiKey(store.db, 'acme', keyId, now());
    expect(await moved()).toBe(true);
    await sql`update workspace set policy = policy where id = 'acme'`.execute(store.db);
    expect(await moved()).toBe(true);
    await createWorkspace(store.db, { id: 'globex', version: 'v1', now: now() });
    expect(await moved()).toBe(true);
    await sql`delete from workspace where id = 'globex'`.execute(store.db);
    expect(await moved()).toBe(true);
  });

  if (dialect === 'postgres') {
    it("caches while it listens to the schema's auth channel, reads again once another connection's change is announced, and caches nothing unheard", async () => {
      const { store, keyId, lookup } = await setup();
      const stop = store.listenForEvents!();
      try {
        await vi.waitFor(async () => expect(await lookup(keyId)).toBe(await lookup(keyId)));
        const other = await secondConnection();
        await revokeApiKey(other.db, 'acme', keyId, now());
        await vi.waitFor(async () => expect((await lookup(keyId))?.key.revoked_at).not.toBeNull());
        await sql`update workspace set name = 'Renamed' where id = 'acme'`.execute(other.db);
        await vi.waitFor(async () => expect((await lookup(keyId))?.workspace.name).toBe('Renamed'));
      } finally {
        await stop();
      }
      expect(await lookup(keyId)).not.toBe(await lookup(keyId));
    });
  }

  if (dialect === 'sqlite') {
    it("reads the generation once per turn of the event loop: another process's change waits for the next turn, this connection's is seen at once", async () => {
      const { store, keyId, lookup } = await setup();
      await nextTurn();
      const first = await lookup(keyId);
      // Another process's write, made within this turn (a store's own write resolves turns later).
      const other = new SQLite(opened!.url.slice('sqlite:'.length));
      other.prepare('update api_key set revoked_at = ? where id = ?').run(now(), keyId);
      other.close();
      // Same turn: requests handled together share one reading.
      expect(await lookup(keyId)).toBe(first);
      await nextTurn();
      expect((await lookup(keyId))?.key.revoked_at).not.toBeNull();

      const second = await createApiKey(store.db, { workspaceId: 'acme', name: 'okta', now: now() });
      await nextTurn();
      expect((await lookup(second.key.id))?.key.revoked_at).toBeNull();
      await revokeApiKey(store.db, 'acme', second.key.id, now());
      expect((await lookup(second.key.id))?.key.revoked_at).not.toBeNull();
    });

    it('answers from memory while members are written, and reads again after a key or workspace change', async () => {
      const { store, keyId, lookup } = await setup();
      const first = await lookup(keyId);
      expect(await lookup(keyId)).toBe(first);
      await sql`update membership set version = version where 1 = 0`.execute(store.db);
      await bumpRevision(store.db, 'acme');
      await touchApiKey(store.db, keyId, now());
      expect(await lookup(keyId)).toBe(first);
      await createWorkspace(store.db, { id: 'globex', version: 'v1', now: now() });
      const after = await lookup(keyId);
      expect(after).not.toBe(first);
      // Read afresh: it carries the last use recorded since.
      expect(after?.key.id).toBe(keyId);
      expect(first?.key.last_used_at).toBeNull();
      expect(after?.key.last_used_at).not.toBeNull();
    });
  }
});
