import { createWorkspace, type CreateWorkspaceInput } from '../../admin/create-workspace.js';
import type { Workspace } from '../../model/workspace.js';
import { listWorkspaces } from '../../store/workspace-repository.js';
import { withStore, type GlobalOptions } from '../open-store.js';
import { requireWorkspace } from '../require-workspace.js';
import { scimBaseUrl } from '../scim-base-url.js';
import { print, printJson, renderTable } from '../view/table.js';

/** What `rosterd workspace create` passes on once its options are parsed. */
export type CreateWorkspaceRequest = Omit<CreateWorkspaceInput, 'now'> & { json?: boolean };

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

export async function createWorkspaceAction(globals: GlobalOptions, request: CreateWorkspaceRequest): Promise<void> {
  const { json, ...input } = request;
  await withStore(globals, async ({ config, store }) => {
    const created = await createWorkspace(store.db, { ...input, now: new Date().toISOString() });
    if (json) return printJson(created);
    print(describe(created, scimBaseUrl(config, created.id)));
    print(`\nNext: rosterd key create ${created.id} --name "Entra SCIM"`);
  });
}

export async function listWorkspacesAction(globals: GlobalOptions, options: { json?: boolean }): Promise<void> {
  await withStore(globals, async ({ config, store }) => {
    const all = await listWorkspaces(store.db);
    if (options.json) return printJson(all);
    if (all.length === 0) return print('no workspaces yet: rosterd workspace create <id> [--preset NAME]');
    print(renderTable(['ID', 'NAME', 'VERSION', 'SCIM BASE URL'], all.map((w) => [w.id, w.name, w.version, scimBaseUrl(config, w.id)])));
  });
}

export async function showWorkspaceAction(globals: GlobalOptions, id: string, options: { json?: boolean }): Promise<void> {
  await withStore(globals, async ({ config, store }) => {
    const found = await requireWorkspace(store.db, id);
    if (options.json) return printJson(found);
    print(describe(found, scimBaseUrl(config, found.id)));
  });
}
