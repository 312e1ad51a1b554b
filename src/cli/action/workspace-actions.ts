import { createWorkspace, type CreateWorkspaceInput } from '../../admin/create-workspace.js';
import { deleteWorkspace } from '../../admin/delete-workspace.js';
import { updateWorkspace, type UpdateWorkspaceInput } from '../../admin/update-workspace.js';
import { RosterdError } from '../../error/rosterd-error.js';
import { countSeatsInUse } from '../../store/member-repository.js';
import { listWorkspaces } from '../../store/workspace-repository.js';
import { withStore, type GlobalOptions } from '../open-store.js';
import { requireWorkspace } from '../require-workspace.js';
import { scimBaseUrl } from '../scim-base-url.js';
import { print, printJson, renderTable } from '../view/table.js';
import { describeWorkspace } from '../view/workspace-view.js';

/** What `rosterd workspace create` passes on once its options are parsed. */
export type CreateWorkspaceRequest = Omit<CreateWorkspaceInput, 'now'> & { json?: boolean };

export async function createWorkspaceAction(globals: GlobalOptions, request: CreateWorkspaceRequest): Promise<void> {
  const { json, ...input } = request;
  await withStore(globals, async ({ config, store }) => {
    const created = await createWorkspace(store.db, { ...input, now: new Date().toISOString() });
    if (json) return printJson(created);
    print(describeWorkspace(created, scimBaseUrl(config, created.id)));
    print(`\nNext: rosterd key create ${created.id} --name "Entra SCIM"`);
   }, { createDatabase: true });
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
    const seats = found.version === 'v1' ? await countSeatsInUse(store.db, found.id) : {};
    print(describeWorkspace(found, scimBaseUrl(config, found.id), seats));
  });
}

/** What `rosterd workspace update` passes on once its options are parsed. */
export type UpdateWorkspaceRequest = Omit<UpdateWorkspaceInput, 'now'> & { json?: boolean };

export async function updateWorkspaceAction(globals: GlobalOptions, id: string, request: UpdateWorkspaceRequest): Promise<void> {
  const { json, ...input } = request;
  await withStore(globals, async ({ config, store }) => {
    const { after } = await updateWorkspace(store, id, { ...input, now: new Date().toISOString() });
    if (json) return printJson(after);
    const seats = after.version === 'v1' ? await countSeatsInUse(store.db, after.id) : {};
    print(describeWorkspace(after, scimBaseUrl(config, after.id), seats));
  });
}

export async function deleteWorkspaceAction(globals: GlobalOptions, id: string, options: { yes?: boolean }): Promise<void> {
  if (!options.yes) throw new RosterdError('ROSTERD_E_USAGE', `deleting workspace "${id}" removes its members, groups, keys, plans, runs, events and log for good; add --yes to confirm`);
  await withStore(globals, async ({ config, store }) => {
    await deleteWorkspace(store, config, id);
    print(`deleted workspace "${id}"`);
  });
}
