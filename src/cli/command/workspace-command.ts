import type { Command } from 'commander';
import { listPresets } from '../../admin/list-presets.js';
import { RosterdError } from '../../error/rosterd-error.js';
import type { GlobalOptions } from '../open-store.js';
import { policyFromOptions, withPolicyOptions, type PolicyOptions } from '../policy-options.js';

interface CreateOptions extends PolicyOptions {
  name?: string;
  version?: string;
  preset?: string;
  extensionUrn?: string;
  json?: boolean;
}

// The actions load the store only when they run, so `rosterd --help` and the other commands start quickly.
const actions = () => import('../action/workspace-actions.js');

export function registerWorkspaceCommand(program: Command, globals: () => GlobalOptions): void {
  const workspace = program.command('workspace').description('create, change, list, show and delete workspaces');

  withPolicyOptions(
    workspace
      .command('create <id>')
      .description('create a workspace (the id is the string in its SCIM URL)')
      .option('--name <name>', 'display name')
      .option('--version <version>', "v1 (seats) or v2 (roles and credit limits); default v2 or the preset's")
      .option('--preset <preset>', `apply a preset: ${listPresets().join(', ')}`)
      .option('--extension-urn <urn>', 'schema-extension URN carrying role / creditLimit / seatType'),
  )
    .option('--json', 'print the workspace as JSON')
    .action(async (id: string, options: CreateOptions) => {
      if (options.version !== undefined && options.version !== 'v1' && options.version !== 'v2') {
        throw new RosterdError('ROSTERD_E_USAGE', `--version must be v1 or v2, got "${options.version}"`);
      }
      await (await actions()).createWorkspaceAction(globals(), {
        id,
        ...(options.name ? { name: options.name } : {}),
        ...(options.version ? { version: options.version as 'v1' | 'v2' } : {}),
        ...(options.preset ? { preset: options.preset } : {}),
        ...(options.extensionUrn ? { extensionUrn: options.extensionUrn } : {}),
        policy: policyFromOptions(options),
        ...(options.json ? { json: true } : {}),
      });
    });

  withPolicyOptions(
    workspace
      .command('update <id>')
      .description("change a workspace's name or policy (seats, roles, deletion budget, …); options of the other version are refused")
      .option('--name <name>', 'display name'),
  )
    .option('--json', 'print the workspace as JSON')
    .action(async (id: string, options: PolicyOptions & { name?: string; json?: boolean }) => {
      const policy = policyFromOptions(options);
      if (Object.keys(policy).length === 0 && options.name === undefined) throw new RosterdError('ROSTERD_E_USAGE', 'nothing to change: give --name or a policy option (see rosterd workspace update --help)');
      await (await actions()).updateWorkspaceAction(globals(), id, { ...(options.name !== undefined ? { name: options.name } : {}), policy, ...(options.json ? { json: true } : {}) });
    });

  workspace
    .command('list')
    .description('list workspaces')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => (await actions()).listWorkspacesAction(globals(), options));

  workspace
    .command('show <id>')
    .description("show a workspace's SCIM base URL and whole policy")
    .option('--json', 'print JSON')
    .action(async (id: string, options: { json?: boolean }) => (await actions()).showWorkspaceAction(globals(), id, options));

  workspace
    .command('delete <id>')
    .description('delete a workspace and everything in it (refused while the configuration names it)')
    .option('--yes', 'confirm: the members, groups, keys, plans, runs, events and log go too')
    .action(async (id: string, options: { yes?: boolean }) => (await actions()).deleteWorkspaceAction(globals(), id, options));
}
