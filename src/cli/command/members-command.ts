import type { Command } from 'commander';
import type { GlobalOptions } from '../open-store.js';

// The actions load the store only when they run, so `rosterd --help` and the other commands start quickly.
const actions = () => import('../action/members-actions.js');

export function registerMembersCommand(program: Command, globals: () => GlobalOptions): void {
  const members = program.command('members').description("a workspace's members");

  members
    .command('list <workspace>', { isDefault: true })
    .description('list members (also: rosterd members <workspace>)')
    .option('--json', 'print JSON: every field of each member, with fieldSources (which source last wrote each field: key:<id>, connector:<binding> or cli)')
    .action(async (workspaceId: string, options: { json?: boolean }) => (await actions()).listMembersAction(globals(), workspaceId, options));

  members
    .command('set-owner <workspace> <userName>')
    .description('mark a member as owner (SCIM and connectors can then never change it); --unset to clear')
    .option('--unset', 'remove the owner mark')
    .action(async (workspaceId: string, userName: string, options: { unset?: boolean }) => (await actions()).setOwnerAction(globals(), workspaceId, userName, options));
}
