import { createAdminKey } from '../../admin/create-admin-key.js';
import type { Config } from '../../config/config-schema.js';
import { RosterdError } from '../../error/rosterd-error.js';
import { activeAdminKeysNamed, listAdminKeys, revokeAdminKeyById } from '../../store/admin-key-repository.js';
import { withStore, type GlobalOptions } from '../open-store.js';
import { print, printJson, renderTable } from '../view/table.js';

/** Where the console answers, as the admin opens it in a browser. */
function consoleUrl(config: Readonly<Config>): string {
  const host = config.server.host === '0.0.0.0' || config.server.host === '::' ? 'localhost' : config.server.host;
  const origin = (config.server.publicUrl ?? `http://${host.includes(':') ? `[${host}]` : host}:${config.server.port}`).replace(/\/+$/, '');
  return `${origin}/console`;
}

export async function createAdminKeyAction(globals: GlobalOptions, options: { name: string; description?: string; json?: boolean }): Promise<void> {
  await withStore(globals, async ({ config, store }) => {
    const { key, token } = await createAdminKey(store.db, {
      name: options.name,
      ...(options.description ? { description: options.description } : {}),
      now: new Date().toISOString(),
    });
    const url = consoleUrl(config);
    if (options.json) return printJson({ ...key, token, consoleUrl: url });
    print(`Console        ${url}${config.console.enabled ? '' : ' (console.enabled is false in this configuration)'}`);
    print(`Admin key      ${token}`);
    print(`\nThe key is shown only this once; rosterd stores only its hash. Paste it into the console's sign-in form. Key id: ${key.id}`);
  });
}

export async function listAdminKeysAction(globals: GlobalOptions, options: { json?: boolean }): Promise<void> {
  await withStore(globals, async ({ store }) => {
    const keys = await listAdminKeys(store.db);
    if (options.json) return printJson(keys);
    if (keys.length === 0) return print('no admin keys yet; create one with rosterd admin-key create --name <name>');
    print(renderTable(['ID', 'NAME', 'CREATED', 'LAST USED', 'REVOKED'], keys.map((k) => [k.id, k.name, k.createdAt, k.lastUsedAt, k.revokedAt])));
  });
}

export async function revokeAdminKeyAction(globals: GlobalOptions, idOrName: string): Promise<void> {
  await withStore(globals, async ({ store }) => {
    const matches = await activeAdminKeysNamed(store.db, idOrName);
    if (matches.length === 0) throw new RosterdError('ROSTERD_E_NOT_FOUND', `no active admin key has the id or name "${idOrName}"; see rosterd admin-key list`);
    if (matches.length > 1) {
      throw new RosterdError('ROSTERD_E_USAGE', `several active admin keys match "${idOrName}": ${matches.map((k) => `${k.id} (${k.name})`).join(', ')}; revoke one by its id`);
    }
    const [key] = matches;
    await revokeAdminKeyById(store.db, key!.id, new Date().toISOString());
    print(`revoked admin key ${key!.id} (${key!.name}); its console sessions have ended`);
  });
}
