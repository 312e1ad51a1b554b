import type { Command } from 'commander';
import { listPresets } from '../../admin/list-presets.js';
import { RosterdError } from '../../error/rosterd-error.js';
import type { WorkspacePolicyInput } from '../../model/workspace-policy.js';
import type { GlobalOptions } from '../open-store.js';
import { parseSeats } from '../parse-seats.js';

interface CreateOptions {
  name?: string;
  version?: string;
  preset?: string;
  seats?: string;
  defaultRole?: string;
  defaultSeatType?: string;
  extensionUrn?: string;
  json?: boolean;
}

// The actions load the store only when they run, so `rosterd --help` and the other commands start quickly.
const actions = () => import('../action/workspace-actions.js');

export function registerWorkspaceCommand(program: Command, globals: () => GlobalOptions): void {
  const workspace = program.command('workspace').description('create, list and show workspaces');

  workspace
    .command('create <id>')
    .description('create a workspace (the id is the string in its SCIM URL)')
    .option('--name <name>', 'display name')
    .option('--version <version>', "v1 (seats) or v2 (roles and credit limits); default v2 or the preset's")
    .option('--preset <preset>', `apply a preset: ${listPresets().join(', ')}`)
    .option('--seats <list>', 'V1 seat capacities, e.g. builder=10,pro=5')
    .option('--default-role <role>', 'V2 role when the IdP sends none: admin, editor or viewer')
    .option('--default-seat-type <type>', 'V1 seat type when the IdP sends none')
    .option('--extension-urn <urn>', 'schema-extension URN carrying role / creditLimit / seatType')
    .option('--json', 'print the workspace as JSON')
    .action(async (id: string, options: CreateOptions) => {
      if (options.version !== undefined && options.version !== 'v1' && options.version !== 'v2') {
        throw new RosterdError('ROSTERD_E_USAGE', `--version must be v1 or v2, got "${options.version}"`);
      }
      const policy: Record<string, unknown> = {};
      if (options.seats) policy.seats = parseSeats(options.seats);
      if (options.defaultRole) policy.defaultRole = options.defaultRole;
      if (options.defaultSeatType) policy.defaultSeatType = options.defaultSeatType;
      await (await actions()).createWorkspaceAction(globals(), {
        id,
        ...(options.name ? { name: options.name } : {}),
        ...(options.version ? { version: options.version as 'v1' | 'v2' } : {}),
        ...(options.preset ? { preset: options.preset } : {}),
        ...(options.extensionUrn ? { extensionUrn: options.extensionUrn } : {}),
        policy: policy as WorkspacePolicyInput,
        ...(options.json ? { json: true } : {}),
      });
    });

  workspace
    .command('list')
    .description('list workspaces')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => (await actions()).listWorkspacesAction(globals(), options));

  workspace
    .command('show <id>')
    .description("show a workspace's SCIM base URL and policy")
    .option('--json', 'print JSON')
    .action(async (id: string, options: { json?: boolean }) => (await actions()).showWorkspaceAction(globals(), id, options));
}
