import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastEventSeq } from '../../../src/store/event-repository.js';
import { startTestGateway, type TestGateway } from '../../support/test-gateway.js';
import { DIALECTS } from '../../support/test-store.js';
import { v2Workspace } from './app-api-kit.js';

/** A long poll whose client hangs up stops waiting on the event bus at once, instead of holding a waiter for its whole wait. */
describe.each(DIALECTS)('long poll disconnects on %s', (dialect) => {
  let gw: TestGateway;
  let ws: Awaited<ReturnType<typeof v2Workspace>>;
  let origin = '';

  beforeAll(async () => {
    gw = await startTestGateway(dialect);
    ws = await v2Workspace(gw, 'hangup');
    origin = await gw.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    // The client's idle keep-alive socket would hold close() until the server's keep-alive timeout.
    gw.app.server.closeAllConnections();
    await gw.close();
  });

  /** The bus's waiters for the workspace: private state, read here only to see the poll wait and stop waiting. */
  const waiters = () => (gw.db.store.events as unknown as { waiters: Map<string, Set<unknown>> }).waiters.get(ws.id)?.size ?? 0;

  it('removes the waiter when the client aborts the request', async () => {
    const after = (await lastEventSeq(gw.db.store.db, ws.id))!;
    const controller = new AbortController();
    const request = fetch(`${origin}/api/v1/workspaces/hangup/events?after=${after}&wait=60`, { headers: { authorization: `Bearer ${ws.appToken}` }, signal: controller.signal });
    await expect.poll(waiters).toBe(1);
    controller.abort();
    await expect(request).rejects.toThrow();
    await expect.poll(waiters).toBe(0);
  });
});
