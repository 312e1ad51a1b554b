import { createAppKey } from '../../admin/create-app-key.js';
import type { Config } from '../../config/config-schema.js';
import { RosterdError } from '../../error/rosterd-error.js';
import { activeAppKeysNamed, listAppKeys, revokeAppKeyById, type AppKeyScope } from '../../store/app-key-repository.js';
import { withStore, type GlobalOptions } from '../open-store.js';
import { requireWorkspace } from '../require-workspace.js';
import { print, printJson, renderTable } from '../view/table.js';

/** Where the app API answers, as the key's owner configures their backend. */
function appApiBaseUrl(config: Readonly<Config>): string {
  const host = config.server.host === '0.0.0.0' || config.server.host === '::' ? 'localhost' : config.server.host;
  const origin = (config.server.publicUrl ?? `http://${host.includes(':') ? `[${host}]` : host}:${config.server.port}`).replace(/\/+$/, '');
  return `${origin}/api/v1`;
}

/** `<workspace>` or `--all`, exactly one of them. */
function createScope(workspaceId: string | undefined, all: boolean | undefined): string | null {
  if (all && workspaceId) throw new RosterdError('ROSTERD_E_USAGE', `give either a workspace or --all, not both (got "${workspaceId}" and --all)`);
  if (!all && !workspaceId) throw new RosterdError('ROSTERD_E_USAGE', 'name the workspace the key is for, or pass --all for a key that reaches every workspace');
  return all ? null : workspaceId!;
}

export async function createAppKeyAction(
  globals: GlobalOptions,
  workspaceIdArg: string | undefined,
  options: { name: string; all?: boolean; description?: string; json?: boolean },
): Promise<void> {
  const workspaceId = createScope(workspaceIdArg, options.all);
  await withStore(globals, async ({ config, store }) => {
    const { key, token } = await createAppKey(store.db, {
      workspaceId,
      name: options.name,
      ...(options.description ? { description: options.description } : {}),
      now: new Date().toISOString(),
    });
    const baseUrl = appApiBaseUrl(config);
    if (options.json) return printJson({ ...key, token, appApiBaseUrl: baseUrl });
    print(`App API        ${baseUrl}`);
    print(`Reaches        ${workspaceId === null ? 'every workspace' : `workspace ${workspaceId}`}`);
    print(`App key        ${token}`);
    print(`\nThe key is shown only this once; rosterd stores only its hash. Key id: ${key.id}`);
  });
}

export async function listAppKeysAction(globals: GlobalOptions, workspaceId: string | undefined, options: { all?: boolean; json?: boolean }): Promise<void> {
  if (options.all && workspaceId) throw new RosterdError('ROSTERD_E_USAGE', `give either a workspace or --all, not both (got "${workspaceId}" and --all)`);
  await withStore(globals, async ({ store }) => {
    let scope: AppKeyScope = options.all ? 'all-workspaces' : 'every';
    if (workspaceId) {
      await requireWorkspace(store.db, workspaceId);
      scope = { workspaceId };
    }
    const keys = await listAppKeys(store.db, scope);
    if (options.json) return printJson(keys);
    print(renderTable(['ID', 'NAME', 'WORKSPACE', 'CREATED', 'LAST USED', 'REVOKED'], keys.map((k) => [k.id, k.name, k.workspaceId ?? '(all)', k.createdAt, k.lastUsedAt, k.revokedAt])));
  });
}

export async function revokeAppKeyAction(globals: GlobalOptions, idOrName: string, options: { workspace?: string }): Promise<void> {
  await withStore(globals, async ({ store }) => {
    if (options.workspace) await requireWorkspace(store.db, options.workspace);
    const scope: AppKeyScope = options.workspace ? { workspaceId: options.workspace } : 'every';
    const matches = await activeAppKeysNamed(store.db, idOrName, scope);
    const where = options.workspace ? ` of workspace "${options.workspace}"` : '';
    if (matches.length === 0) throw new RosterdError('ROSTERD_E_NOT_FOUND', `no active app key${where} has the id or name "${idOrName}"; see rosterd app-key list`);
    if (matches.length > 1) {
      const owners = matches.map((k) => `${k.id} (${k.workspaceId ?? 'all workspaces'})`).join(', ');
      throw new RosterdError('ROSTERD_E_USAGE', `several active app keys are named "${idOrName}": ${owners}; revoke one by its id, or add --workspace`);
    }
    const [key] = matches;
    await revokeAppKeyById(store.db, key!.id, new Date().toISOString());
    print(`revoked app key ${key!.id} (${key!.name})`);
  });
}
