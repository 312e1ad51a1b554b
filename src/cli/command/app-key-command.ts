import type { Command } from 'commander';
import type { GlobalOptions } from '../open-store.js';

// The actions load the store only when they run, so `rosterd --help` and the other commands start quickly.
const actions = () => import('../action/app-key-actions.js');

export function registerAppKeyCommand(program: Command, globals: () => GlobalOptions): void {
  const appKey = program.command('app-key').description("app API keys (for the vendor's own backend: /api/v1)");

  appKey
    .command('create [workspace]')
    .description('create a key for one workspace, or with --all for every workspace, and print it once')
    .requiredOption('--name <name>', 'what the key is for, e.g. "billing backend"')
    .option('--all', 'the key reaches every workspace (no <workspace>)')
    .option('--description <text>', 'a longer note')
    .option('--json', 'print JSON')
    .action(async (workspaceId: string | undefined, options: { name: string; all?: boolean; description?: string; json?: boolean }) =>
      (await actions()).createAppKeyAction(globals(), workspaceId, options),
    );

  appKey
    .command('list [workspace]')
    .description("list a workspace's app keys, with --all the all-workspaces keys, or with neither every app key (never the keys themselves)")
    .option('--all', 'only the all-workspaces keys')
    .option('--json', 'print JSON')
    .action(async (workspaceId: string | undefined, options: { all?: boolean; json?: boolean }) => (await actions()).listAppKeysAction(globals(), workspaceId, options));

  appKey
    .command('revoke <key>')
    .description('revoke an app key by id or name; requests with it get 401 at once')
    .option('--workspace <workspace>', "look the name up among this workspace's keys")
    .action(async (idOrName: string, options: { workspace?: string }) => (await actions()).revokeAppKeyAction(globals(), idOrName, options));
}
