import type { FastifyInstance } from 'fastify';
import { createAdminKey } from '../../../src/admin/create-admin-key.js';
import type { ConnectorBinding } from '../../../src/config/config-schema.js';
import type { EntraHarness } from '../../contract/entra-harness.js';
import type { TestGateway } from '../../support/test-gateway.js';

/** What the console suites share: a browser-like client over inject (cookies, forms, CSRF tokens) and admin keys. */

export interface ConsoleResponse {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: string;
  /** The raw Set-Cookie lines of the response. */
  setCookies: string[];
}

/** The CSRF token of the first form on a page. */
export function csrfTokenIn(body: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(body);
  if (!match) throw new Error(`no CSRF token on the page:\n${body.slice(0, 500)}`);
  return match[1]!;
}

/** A cookie-keeping client of the console, as a browser would be: GET pages, POST forms. */
export function consoleClient(app: FastifyInstance, options: { headers?: Record<string, string> } = {}) {
  const jar = new Map<string, string>();
  const send = async (method: 'GET' | 'POST', url: string, form?: Record<string, string>): Promise<ConsoleResponse> => {
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const response = await app.inject({
      method,
      url,
      headers: {
        ...options.headers,
        ...(cookie ? { cookie } : {}),
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(form ? { payload: new URLSearchParams(form).toString() } : {}),
    });
    const raw = response.headers['set-cookie'];
    const setCookies = raw === undefined ? [] : Array.isArray(raw) ? raw : [String(raw)];
    for (const line of setCookies) {
      const [pair, ...attributes] = line.split(';');
      const [name, value] = [pair!.slice(0, pair!.indexOf('=')), pair!.slice(pair!.indexOf('=') + 1)];
      const expired = attributes.some((a) => /^\s*max-age=0$/i.test(a) || (/^\s*expires=/i.test(a) && Date.parse(a.split('=')[1]!) < Date.now()));
      if (expired || value === '') jar.delete(name.trim());
      else jar.set(name.trim(), value);
    }
    return { status: response.statusCode, headers: response.headers, body: response.body, setCookies };
  };
  const client = {
    jar,
    get: (url: string) => send('GET', url),
    post: (url: string, form: Record<string, string>) => send('POST', url, form),
    /** POST a form of the page at `page`, with that page's CSRF token. */
    async submit(page: string, url: string, form: Record<string, string> = {}): Promise<ConsoleResponse> {
      const shown = await client.get(page);
      return client.post(url, { _csrf: csrfTokenIn(shown.body), ...form });
    },
    /** Sign in with a key through the form, as an admin does. */
    async signIn(key: string, next = '/console'): Promise<ConsoleResponse> {
      const page = await client.get(next);
      return client.post('/console/sign-in', { _csrf: csrfTokenIn(page.body), key, next });
    },
  };
  return client;
}

export type ConsoleClient = ReturnType<typeof consoleClient>;

export async function adminKey(gw: TestGateway, name: string): Promise<{ id: string; token: string }> {
  const { key, token } = await createAdminKey(gw.db.store.db, { name, now: new Date().toISOString() });
  return { id: key.id, token };
}

/** A binding of `workspace` to the fake Graph through the real Entra connector, as the config file would say it. */
export function entraBinding(h: EntraHarness, workspace: string): ConnectorBinding {
  const graph = h.fake;
  return {
    workspace,
    kind: 'entra',
    schedule: '0 0 1 1 *',
    settings: {
      tenantId: graph.tenantId,
      clientId: graph.clientId,
      credentials: { type: 'clientSecret', clientSecret: graph.clientSecret },
      servicePrincipalId: graph.directory.servicePrincipal.id,
      graphBaseUrl: graph.origin,
      authorityHost: graph.origin,
      requestTimeoutMs: 2000,
      mapping: { attributes: { department: h.departmentSource } },
    },
  };
}
