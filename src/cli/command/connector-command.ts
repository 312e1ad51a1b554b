import type { Command } from 'commander';
import type { GlobalOptions } from '../open-store.js';

export function registerConnectorCommand(program: Command, globals: () => GlobalOptions): void {
  const connector = program.command('connector').description('pull connectors (Entra ID via Microsoft Graph, Okta)');

  connector
    .command('test <workspace>')
    .description("read one page from the workspace's IdP and show what rosterd sees (like the IdP's Test Connection)")
    .option('--json', 'print JSON')
    .action(async (workspaceId: string, options: { json?: boolean }) => {
      // Loaded only when it runs (and the IdP's SDK only for the workspace's kind), so other commands start quickly.
      const { connectorTestAction } = await import('../action/connector-test-action.js');
      await connectorTestAction(globals(), workspaceId, options);
    });
}
