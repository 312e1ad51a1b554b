import type { FastifyInstance } from 'fastify';
import { workspaceHealth } from '../admin/workspace-health.js';
import { listWorkspaces } from '../store/workspace-repository.js';
import { pageContext, sendPage } from './console-reply.js';
import type { ConsoleRouteOptions } from './console-route-options.js';
import { overviewPage, type WorkspaceRow } from './overview-page.js';

export async function overviewRoute(app: FastifyInstance, options: ConsoleRouteOptions): Promise<void> {
  const { store, config, clock } = options;
  app.get('/', async (request, reply) => {
    const now = clock();
    const rows: WorkspaceRow[] = [];
    for (const workspace of await listWorkspaces(store.db)) {
      rows.push({ workspace, health: await workspaceHealth(store.db, workspace.id, { connectors: config.connectors, driftListed: 0, now }) });
    }
    return sendPage(reply, overviewPage(rows, pageContext(request, reply), now));
  });
}
