import type { Command } from 'commander';
import { createWorkspace } from '../../admin/create-workspace.js';
import { listPresets } from '../../admin/preset.js';
import { RosterdError } from '../../error/rosterd-error.js';
import type { WorkspacePolicyInput } from '../../model/workspace-policy.js';
import type { Workspace } from '../../model/workspace.js';
import { listWorkspaces } from '../../store/workspace-repository.js';
import { withStore, type GlobalOptions } from '../open-store.js';
import { requireWorkspace } from '../require-workspace.js';
import { parseSeats } from '../parse-seats.js';
import { scimBaseUrl } from '../scim-base-url.js';
import { print, printJson, renderTable } from '../view/table.js';

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

function describe(workspace: Workspace, baseUrl: string): string {
  const p = workspace.policy;
  const lines = [
    `workspace      ${workspace.id} (${workspace.name})`,
    `version        ${workspace.version}`,
    `SCIM base URL  ${baseUrl}`,
    `extension URN  ${workspace.extensionUrn}`,
  ];
  if (workspace.version === 'v2') {
    const source = p.roleSource.kind === 'extension' ? `${workspace.extensionUrn}:${p.roleSource.attribute}` : `core roles${p.roleSource.multiple ? ' (several accepted)' : ''}`;
    lines.push(`role           from ${source}, default ${p.defaultRole}`);
    if (Object.keys(p.roleValueMap).length) lines.push(`role map       ${Object.entries(p.roleValueMap).map(([k, v]) => `${k}→${v}`).join(', ')}`);
  } else {
    const seats = Object.entries(p.seats).map(([k, v]) => `${k}=${v}`).join(', ') || 'unlimited';
    lines.push(`seats          ${seats}${p.defaultSeatType ? `, default ${p.defaultSeatType}` : ''}`);
  }
  lines.push(`deprovision    active=false ${p.deprovision === 'remove' ? 'removes the membership' : 'suspends the membership'}; DELETE removes it`);
  lines.push(`groups         ${p.groups.mode === 'projects' ? `projects (members get ${p.groups.projectRole})` : 'plain'}${p.groups.displayNamePrefix ? `, shown as "${p.groups.displayNamePrefix}<name>"` : ''}`);
  if (p.creationOnly.length) lines.push(`creation-only  ${p.creationOnly.join(', ')}`);
  return lines.join('\n');
}

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
      await withStore(globals(), async ({ config, store }) => {
        const created = await createWorkspace(store.db, {
          id,
          ...(options.name ? { name: options.name } : {}),
          ...(options.version ? { version: options.version as 'v1' | 'v2' } : {}),
          ...(options.preset ? { preset: options.preset } : {}),
          ...(options.extensionUrn ? { extensionUrn: options.extensionUrn } : {}),
          policy: policy as WorkspacePolicyInput,
          now: new Date().toISOString(),
        });
        if (options.json) return printJson(created);
        print(describe(created, scimBaseUrl(config, created.id)));
        print(`\nNext: rosterd key create ${created.id} --name "Entra SCIM"`);
      });
    });

  workspace
    .command('list')
    .description('list workspaces')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      await withStore(globals(), async ({ config, store }) => {
        const all = await listWorkspaces(store.db);
        if (options.json) return printJson(all);
        if (all.length === 0) return print('no workspaces yet: rosterd workspace create <id> [--preset NAME]');
        print(renderTable(['ID', 'NAME', 'VERSION', 'SCIM BASE URL'], all.map((w) => [w.id, w.name, w.version, scimBaseUrl(config, w.id)])));
      });
    });

  workspace
    .command('show <id>')
    .description("show a workspace's SCIM base URL and policy")
    .option('--json', 'print JSON')
    .action(async (id: string, options: { json?: boolean }) => {
      await withStore(globals(), async ({ config, store }) => {
        const found = await requireWorkspace(store.db, id);
        if (options.json) return printJson(found);
        print(describe(found, scimBaseUrl(config, found.id)));
      });
    });
}
