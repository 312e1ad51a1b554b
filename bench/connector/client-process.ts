import { performance } from 'node:perf_hooks';
import { bindingMappingSchema } from '../../src/connector/binding-mapping.js';
import type { Connector, ConnectorLogger } from '../../src/connector/connector.js';
import type { RemovedMember, SnapshotMember } from '../../src/connector/snapshot-member.js';
import { assignmentsUrl, groupMembersUrl, type AssignmentReadOptions } from '../../connectors/entra/entra-assignments.js';
import { userSelect } from '../../connectors/entra/entra-mapper.js';
import { IDS_PER_FILTER, REQUESTS_PER_BATCH, userFilterUrl } from '../../connectors/entra/entra-profiles.js';
import { entraSettings } from './entra-settings.js';
import type { Target } from './fake-process.js';
import { processStats, serve } from './ipc.js';
import { checkChanges, makePlan, mappingFor, SnapshotCheck, type ChangeCheckResult, type ChangePlan, type Idp, type Plan } from './plan.js';

/**
 * Child process of the connector benchmark, the IdP's client: either the floor (plain fetch + JSON.parse of
 * the same pages the connector reads, nothing else) or the real connector (real SDK) with a snapshot and then
 * an incremental cycle. Entra's fake is HTTPS with a per-run certificate, which this process trusts through
 * NODE_EXTRA_CA_CERTS (read only at process start, hence a process of its own).
 */
export interface FloorResult {
  seconds: number;
  members: number;
  requests: number;
  bytes: number;
  problems: string[];
}

export interface SnapshotResult {
  seconds: number;
  /** Time spent checking members against the plan, left out of `seconds`. */
  checkSeconds: number;
  members: number;
  complete: boolean;
  roles: Record<string, number>;
  /** Correctness problems (empty = every member as planned). */
  problems: string[];
  /** The connector's own warnings (snapshot.problems). */
  warnings: string[];
  cursorBytes: number;
}

export interface ChangesResult extends ChangeCheckResult {
  seconds: number;
  complete: boolean;
  resyncRequired: boolean;
  warnings: string[];
}

const quiet: ConnectorLogger = { debug() {}, info() {}, warn() {}, error() {} };

let connector: Connector | null = null;
let cursor: string | null = null;
let idp: Idp | null = null;

/** Imported here, not at the top, so the floor process loads no SDK (its peak RSS is fetch's alone). */
async function createConnector(target: Target): Promise<Connector> {
  const deps = { log: quiet, clock: () => new Date() };
  if (target.idp === 'entra') {
    const [{ entraConnector }, { entraConfigSchema }] = await Promise.all([import('../../connectors/entra/index.js'), import('../../connectors/entra/entra-config.js')]);
    return entraConnector.create(
      entraConfigSchema.parse(entraSettings(target, mappingFor('entra'))),
      deps,
    );
  }
  const { oktaConnector, oktaConfigSchema } = await import('../../connectors/okta/index.js');
  return oktaConnector.create(
    oktaConfigSchema.parse({ orgUrl: target.origin, appId: target.appId, auth: { type: 'apiToken', apiToken: target.apiToken }, mapping: mappingFor('okta') }),
    deps,
  );
}

// ------------------------------------------------------------------------------------------- floor

class Fetcher {
  requests = 0;
  bytes = 0;

  constructor(private readonly headers: Record<string, string>) {}

  async json<T>(url: string, init: { method?: string; body?: string } = {}): Promise<{ body: T; link: string | null }> {
    const res = await fetch(url, { method: init.method ?? 'GET', headers: { ...this.headers, ...(init.body ? { 'content-type': 'application/json' } : {}) }, body: init.body ?? null });
    const text = await res.text();
    this.requests++;
    this.bytes += Number(res.headers.get('content-length') ?? text.length);
    if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${url}: HTTP ${res.status} ${text.slice(0, 300)}`);
    return { body: JSON.parse(text) as T, link: res.headers.get('link') };
  }
}

interface GraphList<T> {
  value?: T[];
  '@odata.nextLink'?: string;
}

/** A fetcher holding a token for the fake Graph. */
async function entraFetcher(target: Extract<Target, { idp: 'entra' }>): Promise<Fetcher> {
  const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: target.clientId, client_secret: target.clientSecret, scope: `${target.origin}/.default` });
  const tokenRes = await fetch(`${target.origin}/${target.tenantId}/oauth2/v2.0/token`, { method: 'POST', body: form });
  if (!tokenRes.ok) throw new Error(`token: HTTP ${tokenRes.status} ${await tokenRes.text()}`);
  const { access_token: token } = (await tokenRes.json()) as { access_token: string };
  return new Fetcher({ authorization: `Bearer ${token}`, accept: 'application/json' });
}

/** Every assigned user, direct or through an assigned group: the assignment list and the groups' members, read as the connector reads them. */
async function entraAssignedUsers(f: Fetcher, target: Extract<Target, { idp: 'entra' }>): Promise<Set<string>> {
  const base = `${target.origin}/v1.0`;
  const options: AssignmentReadOptions = { servicePrincipalPath: `servicePrincipals/${target.servicePrincipalId}`, pageSize: 999, transitiveGroups: false };
  const users = new Set<string>();
  const groups: string[] = [];
  for (let url: string | undefined = base + assignmentsUrl(options); url !== undefined; ) {
    const { body }: { body: GraphList<{ principalId: string; principalType: string }> } = await f.json(url);
    for (const a of body.value ?? []) {
      if (a.principalType === 'User') users.add(a.principalId);
      else if (a.principalType === 'Group') groups.push(a.principalId);
    }
    url = body['@odata.nextLink'];
  }
  for (const g of groups) {
    for (let url: string | undefined = base + groupMembersUrl(g, options); url !== undefined; ) {
      const { body }: { body: GraphList<{ '@odata.type'?: string; id: string }> } = await f.json(url);
      for (const m of body.value ?? []) if (m['@odata.type'] === '#microsoft.graph.user') users.add(m.id);
      url = body['@odata.nextLink'];
    }
  }
  return users;
}

/**
 * The requests an incremental Entra cycle with nothing to report makes, with plain fetch: the assignment list and the
 * assigned groups' members (Graph has no delta for app-role assignments), and one `/users/delta` page.
 */
async function entraIncrementalFloor(target: Extract<Target, { idp: 'entra' }>): Promise<{ members: number; fetcher: Fetcher }> {
  const f = await entraFetcher(target);
  const users = await entraAssignedUsers(f, target);
  const select = userSelect(bindingMappingSchema.parse(mappingFor('entra')));
  await f.json(`${target.origin}/v1.0/users/delta?$select=${select.join(',')}&$deltatoken=latest`);
  return { members: users.size, fetcher: f };
}

/** The requests the Entra connector's snapshot makes, in the same order and concurrency, with plain fetch. */
async function entraFloor(target: Extract<Target, { idp: 'entra' }>): Promise<{ members: number; fetcher: Fetcher }> {
  const f = await entraFetcher(target);
  const base = `${target.origin}/v1.0`;
  const users = await entraAssignedUsers(f, target);
  // Profiles: 15 ids per $filter, 20 filters per $batch, 4 batches in flight (the connector's maxConcurrency).
  const select = userSelect(bindingMappingSchema.parse(mappingFor('entra')));
  const ids = [...users];
  const perBatch = IDS_PER_FILTER * REQUESTS_PER_BATCH;
  let next = 0;
  let members = 0;
  const worker = async () => {
    while (next < ids.length) {
      const chunk = ids.slice(next, next + perBatch);
      next += perBatch;
      const requests = [];
      for (let i = 0; i < chunk.length; i += IDS_PER_FILTER) requests.push({ id: String(requests.length + 1), method: 'GET', url: userFilterUrl(chunk.slice(i, i + IDS_PER_FILTER), select) });
      const { body } = await f.json<{ responses: { status: number; body: GraphList<unknown> }[] }>(`${base}/$batch`, { method: 'POST', body: JSON.stringify({ requests }) });
      for (const r of body.responses) {
        if (r.status !== 200) throw new Error(`$batch item: HTTP ${r.status}`);
        members += r.body.value?.length ?? 0;
      }
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return { members, fetcher: f };
}

/** The requests the Okta connector's snapshot makes (sequential, like the SDK's collections), with plain fetch. */
async function oktaFloor(target: Extract<Target, { idp: 'okta' }>): Promise<{ members: number; fetcher: Fetcher }> {
  const f = new Fetcher({ authorization: `SSWS ${target.apiToken}`, accept: 'application/json' });
  const nextOf = (link: string | null) => (link ? /<([^>]+)>;\s*rel="next"/.exec(link)?.[1] : undefined);
  const app = `${target.origin}/api/v1/apps/${target.appId}`;
  const groupOnly = new Set<string>();
  for (let url: string | undefined = `${app}/groups?limit=200&expand=group`; url !== undefined; ) {
    const page: { body: { id: string }[]; link: string | null } = await f.json<{ id: string }[]>(url);
    for (const ga of page.body) {
      for (let members: string | undefined = `${target.origin}/api/v1/groups/${ga.id}/users?limit=1000`; members !== undefined; ) {
        const p: { body: { id: string; status: string }[]; link: string | null } = await f.json<{ id: string; status: string }[]>(members);
        for (const u of p.body) if (u.status !== 'DEPROVISIONED') groupOnly.add(u.id);
        members = nextOf(p.link);
      }
    }
    url = nextOf(page.link);
  }
  let members = 0;
  for (let url: string | undefined = `${app}/users?limit=500&expand=user`; url !== undefined; ) {
    const page: { body: { id: string }[]; link: string | null } = await f.json<{ id: string }[]>(url);
    for (const au of page.body) {
      groupOnly.delete(au.id);
      members++;
    }
    url = nextOf(page.link);
  }
  // Group members Okta has not listed as app users yet would be read one by one; the fake lists them all.
  return { members: members + groupOnly.size, fetcher: f };
}

// ------------------------------------------------------------------------------------------- requests

serve({
  /** The requests of an incremental Entra cycle with nothing to report, with plain fetch. */
  async incrementalFloor(req: { target: Target; members: number }): Promise<FloorResult> {
    if (req.target.idp !== 'entra') throw new Error('the incremental floor is the Entra connector\'s');
    const started = performance.now();
    const { members, fetcher } = await entraIncrementalFloor(req.target);
    const seconds = (performance.now() - started) / 1000;
    return { seconds, members, requests: fetcher.requests, bytes: fetcher.bytes, problems: [] };
  },

  async floor(req: { target: Target; members: number }): Promise<FloorResult> {
    const started = performance.now();
    const { members, fetcher } = req.target.idp === 'entra' ? await entraFloor(req.target) : await oktaFloor(req.target);
    const seconds = (performance.now() - started) / 1000;
    const problems = members === req.members ? [] : [`the floor read ${members} members, expected ${req.members}`];
    return { seconds, members, requests: fetcher.requests, bytes: fetcher.bytes, problems };
  },

  async snapshot(req: { target: Target; members: number }): Promise<SnapshotResult> {
    idp = req.target.idp;
    const plan: Plan = makePlan(req.members);
    // One connector for the process, as the gateway keeps one per binding across cycles.
    connector ??= await createConnector(req.target);
    const check = new SnapshotCheck(idp, plan);
    let checkMs = 0;
    const started = performance.now();
    const snapshot = await connector.fetchSnapshot();
    for await (const member of snapshot.members) {
      const t = performance.now();
      check.add(member);
      checkMs += performance.now() - t;
    }
    const seconds = (performance.now() - started - checkMs) / 1000;
    cursor = snapshot.cursor;
    const problems = check.verdict();
    if (!snapshot.complete) problems.unshift('snapshot.complete is false');
    if (cursor === null) problems.push('the snapshot gave no cursor for fetchChanges');
    return {
      seconds,
      checkSeconds: checkMs / 1000,
      members: check.members,
      complete: snapshot.complete,
      roles: check.roles,
      problems,
      warnings: snapshot.problems.slice(0, 5),
      cursorBytes: cursor === null ? 0 : Buffer.byteLength(cursor),
    };
  },

  async changes(req: { planned: ChangePlan }): Promise<ChangesResult> {
    if (!connector || !idp || cursor === null) throw new Error('no snapshot cursor');
    const started = performance.now();
    const changeSet = await connector.fetchChanges(cursor);
    const changes: (SnapshotMember | RemovedMember)[] = [];
    for await (const change of changeSet.changes) changes.push(change);
    const seconds = (performance.now() - started) / 1000;
    const check = checkChanges(idp, changes, req.planned);
    if (!changeSet.complete) check.problems.unshift('changeSet.complete is false');
    if (changeSet.resyncRequired) check.problems.unshift('fetchChanges asked for a resync');
    cursor = changeSet.cursor;
    return { ...check, seconds, complete: changeSet.complete, resyncRequired: changeSet.resyncRequired, warnings: changeSet.problems.slice(0, 5) };
  },

  stats: processStats,
});
