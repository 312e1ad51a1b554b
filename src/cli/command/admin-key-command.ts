import type { Command } from 'commander';
import type { GlobalOptions } from '../open-store.js';

// The actions load the store only when they run, so `rosterd --help` and the other commands start quickly.
const actions = () => import('../action/admin-key-actions.js');

export function registerAdminKeyCommand(program: Command, globals: () => GlobalOptions): void {
  const adminKey = program.command('admin-key').description('admin keys (sign in to the web console at /console; they open nothing else)');

  adminKey
    .command('create')
    .description('create an admin key and print it once')
    .requiredOption('--name <name>', 'who or what signs in with it, e.g. "ada"; the console and the provisioning log name decisions by it')
    .option('--description <text>', 'a longer note')
    .option('--json', 'print JSON')
    .action(async (options: { name: string; description?: string; json?: boolean }) => (await actions()).createAdminKeyAction(globals(), options));

  adminKey
    .command('list')
    .description('list admin keys (never the keys themselves)')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => (await actions()).listAdminKeysAction(globals(), options));

  adminKey
    .command('revoke <key>')
    .description('revoke an admin key by id or name; its console sessions end at once')
    .action(async (idOrName: string) => (await actions()).revokeAdminKeyAction(globals(), idOrName));
}
