import type { Command } from 'commander';
import type { GlobalOptions } from '../open-store.js';

// The actions load the store only when they run, so `rosterd --help` and the other commands start quickly.
const actions = () => import('../action/key-actions.js');

export function registerKeyCommand(program: Command, globals: () => GlobalOptions): void {
  const key = program.command('key').description('workspace API keys (the Secret Token / API Token an IdP sends)');

  key
    .command('create <workspace>')
    .description('create a key and print it once')
    .requiredOption('--name <name>', 'what the key is for, e.g. "Entra SCIM"')
    .option('--description <text>', 'a longer note')
    .option('--json', 'print JSON')
    .action(async (workspaceId: string, options: { name: string; description?: string; json?: boolean }) => (await actions()).createKeyAction(globals(), workspaceId, options));

  key
    .command('list <workspace>')
    .description("list a workspace's keys (never the keys themselves)")
    .option('--json', 'print JSON')
    .action(async (workspaceId: string, options: { json?: boolean }) => (await actions()).listKeysAction(globals(), workspaceId, options));

  key
    .command('revoke <workspace> <key>')
    .description('revoke a key by id or name; requests with it get 401 at once')
    .action(async (workspaceId: string, idOrName: string) => (await actions()).revokeKeyAction(globals(), workspaceId, idOrName));
}
