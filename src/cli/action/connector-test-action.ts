import { bindingFor, createBoundConnector } from '../../connector/connector-registry.js';
import { createLogger } from '../../log/create-logger.js';
import { withStore, type GlobalOptions } from '../open-store.js';
import { requireWorkspace } from '../require-workspace.js';
import { print, printJson, renderTable } from '../view/table.js';

export async function connectorTestAction(globals: GlobalOptions, workspaceId: string, options: { json?: boolean }): Promise<void> {
  await withStore(globals, async ({ config, store }) => {
    const workspace = await requireWorkspace(store.db, workspaceId);
    const { binding, index } = bindingFor(config.connectors, workspaceId);
    const log = createLogger({ level: process.env.ROSTERD_LOG_LEVEL ?? 'warn', destination: process.stderr as never });
    const instance = await createBoundConnector(binding, index, workspace, { log, clock: () => new Date() });
    const check = await instance.testConnection();
    if (options.json) return printJson(check);
    print(`${binding.kind} connector for workspace ${workspaceId}: ${check.summary}`);
    if (check.sample.length === 0) return print('no assigned members on the first page');
    print(
      renderTable(
        ['EXTERNAL ID', 'USERNAME', 'ACTIVE', 'ROLES', 'CREDIT', 'SEAT', 'GRANTED BY'],
        check.sample.map((m) => [
          m.externalId,
          m.userName,
          m.active ? 'yes' : 'no',
          m.roles.join(','),
          m.creditLimit,
          m.seatType,
          m.grants.map((g) => (g.via === 'direct' ? 'direct' : `group ${g.groupName ?? g.groupId ?? '(not read)'}`)).join(', '),
        ]),
      ),
    );
  });
}
