import type { Command } from 'commander';
import type { GlobalOptions } from '../open-store.js';

// The action loads the store only when it runs, so `rosterd --help` and the other commands start quickly.
const actions = () => import('../action/groups-action.js');

export function registerGroupsCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('groups <workspace>')
    .description("a workspace's groups (projects, in a projects workspace) with their members' project roles")
    .option('--group <name>', "list one group's members and their project roles (by display name, external id or id)")
    .option('--json', 'print JSON')
    .action(async (workspaceId: string, options: { group?: string; json?: boolean }) => (await actions()).groupsAction(globals(), workspaceId, options));
}
