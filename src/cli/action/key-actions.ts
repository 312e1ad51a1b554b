import { createApiKey } from '../../admin/create-api-key.js';
import { RosterdError } from '../../error/rosterd-error.js';
import { listApiKeys, revokeApiKey } from '../../store/api-key-repository.js';
import { withStore, type GlobalOptions } from '../open-store.js';
import { requireWorkspace } from '../require-workspace.js';
import { scimBaseUrl } from '../scim-base-url.js';
import { print, printJson, renderTable } from '../view/table.js';

export async function createKeyAction(globals: GlobalOptions, workspaceId: string, options: { name: string; description?: string; json?: boolean }): Promise<void> {
  await withStore(globals, async ({ config, store }) => {
    const { key: created, token } = await createApiKey(store.db, {
      workspaceId,
      name: options.name,
      ...(options.description ? { description: options.description } : {}),
      now: new Date().toISOString(),
    });
    if (options.json) return printJson({ ...created, token, scimBaseUrl: scimBaseUrl(config, workspaceId) });
    print(`SCIM base URL  ${scimBaseUrl(config, workspaceId)}`);
    print(`API key        ${token}`);
    print(`\nThe key is shown only this once; rosterd stores only its hash. Key id: ${created.id}`);
  });
}

export async function listKeysAction(globals: GlobalOptions, workspaceId: string, options: { json?: boolean }): Promise<void> {
  await withStore(globals, async ({ store }) => {
    await requireWorkspace(store.db, workspaceId);
    const keys = await listApiKeys(store.db, workspaceId);
    if (options.json) return printJson(keys);
    print(renderTable(['ID', 'NAME', 'CREATED', 'LAST USED', 'REVOKED'], keys.map((k) => [k.id, k.name, k.createdAt, k.lastUsedAt, k.revokedAt])));
  });
}

export async function revokeKeyAction(globals: GlobalOptions, workspaceId: string, idOrName: string): Promise<void> {
  await withStore(globals, async ({ store }) => {
    const revoked = await revokeApiKey(store.db, workspaceId, idOrName, new Date().toISOString());
    if (!revoked) throw new RosterdError('ROSTERD_E_NOT_FOUND', `workspace "${workspaceId}" has no active key "${idOrName}"; see rosterd key list ${workspaceId}`);
    print(`revoked key ${revoked.id} (${revoked.name})`);
  });
}
