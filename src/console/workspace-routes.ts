import { hostname } from 'node:os';
import type { FastifyInstance } from 'fastify';
import { workspaceHealth } from '../admin/workspace-health.js';
import { bindingName } from '../config/config-schema.js';
import { RosterdError } from '../error/rosterd-error.js';
import type { Change } from '../model/plan.js';
import type { Workspace } from '../model/workspace.js';
import { startCycle } from '../reconcile/reconciler.js';
import type { ReconcileOutcome } from '../reconcile/reconcile-request.js';
import type { Store } from '../store/store.js';
import { planChanges } from '../store/plan-repository.js';
import { readLog } from '../store/provisioning-log-repository.js';
import { listRuns } from '../store/sync-run-repository.js';
import { findWorkspace } from '../store/workspace-repository.js';
import { ConsoleError } from './console-error.js';
import { pageContext, sendPage } from './console-reply.js';
import type { ConsoleRouteOptions } from './console-route-options.js';
import { groupPage } from './group-listing.js';
import { memberPage, type MemberFilter } from './member-listing.js';
import { provisionResultPage } from './provision-result-page.js';
import { workspacePage } from './workspace-page.js';

const LOG_SHOWN = 50;
const RUNS_SHOWN = 20;
const DRIFT_LISTED = 50;
/** One user's plan: a member and its groups. */
const CHANGES_SHOWN = 200;
const MAX_TEXT = 512;

type Query = Record<string, string | string[] | undefined>;
type Params = { ws: string };

const one = (value: string | string[] | undefined): string => (typeof value === 'string' ? value : '');

/** A positive whole number, else 1. */
function pageNumber(value: string | string[] | undefined): number {
  const n = Number.parseInt(one(value), 10);
  return Number.isSafeInteger(n) && n >= 1 && n <= 1_000_000 ? n : 1;
}

export function memberFilterOf(query: Query): MemberFilter {
  const field = one(query.field);
  const active = one(query.active);
  return {
    text: one(query.q).trim().slice(0, MAX_TEXT),
    field: field === 'externalId' ? 'externalId' : 'userName',
    active: active === 'yes' || active === 'no' ? active : 'any',
    page: pageNumber(query.page),
  };
}

async function requireWorkspaceOf(store: Store, workspaceId: string): Promise<Workspace> {
  const workspace = await findWorkspace(store.db, workspaceId);
  if (!workspace) throw new ConsoleError(404, 'Not found', `There is no workspace "${workspaceId.slice(0, 100)}".`);
  return workspace;
}

export async function workspaceRoutes(app: FastifyInstance, options: ConsoleRouteOptions): Promise<void> {
  const { store, config, clock, log } = options;
  const bindingOf = (workspaceId: string) => {
    const binding = config.connectors.find((b) => b.workspace === workspaceId);
    return binding ? bindingName(binding) : null;
  };

  app.get<{ Params: Params; Querystring: Query }>('/workspaces/:ws', async (request, reply) => {
    const workspace = await requireWorkspaceOf(store, request.params.ws);
    const now = clock();
    const filter = memberFilterOf(request.query);
    const groupsPage = pageNumber(request.query.groups);
    const [health, members, groups, entries, runs] = await Promise.all([
      workspaceHealth(store.db, workspace.id, { connectors: config.connectors, driftListed: DRIFT_LISTED, now }),
      memberPage(store.db, workspace.id, filter),
      groupPage(store.db, workspace.id, groupsPage),
      readLog(store.db, workspace.id, { limit: LOG_SHOWN }),
      listRuns(store.db, workspace.id, RUNS_SHOWN),
    ]);
    const view = { workspace, health, filter, members, groupPage: groupsPage, groups, log: entries.reverse(), runs, binding: bindingOf(workspace.id), now };
    return sendPage(reply, workspacePage(view, pageContext(request, reply)));
  });

  app.post<{ Params: Params }>('/workspaces/:ws/provision', async (request, reply) => {
    const workspace = await requireWorkspaceOf(store, request.params.ws);
    const body = (request.body ?? {}) as { user?: unknown };
    const user = typeof body.user === 'string' ? body.user.trim() : '';
    if (user === '' || user.length > MAX_TEXT) throw new ConsoleError(400, 'Nothing to provision', `Give the userName or externalId of one user (at most ${MAX_TEXT} characters).`);
    const admin = request.consoleSession!.keyName;
    let outcome: ReconcileOutcome | null = null;
    let error: string | null = null;
    let status = 200;
    try {
      // As `rosterd reconcile <ws> --user X`.
      const cycle = await startCycle(
        { store, config, log: log.child({ console: admin }), clock },
        { workspaceId: workspace.id, mode: 'user', user, dryRun: false, trigger: 'cli', instance: `${hostname()}:${process.pid}` },
      );
      outcome = await cycle.apply();
    } catch (thrown) {
      if (!(thrown instanceof RosterdError)) throw thrown;
      error = `${thrown.message} [${thrown.code}]`;
      status = thrown.code === 'ROSTERD_E_NOT_FOUND' ? 404 : 409;
    }
    request.log.info({ workspaceId: workspace.id, admin, result: outcome?.result ?? 'error', runId: outcome?.runId }, 'console provision on demand');
    const changes: Change[] = [];
    if (outcome?.planId) {
      for await (const page of planChanges(store.db, outcome.planId)) {
        changes.push(...page.slice(0, CHANGES_SHOWN - changes.length));
        if (changes.length >= CHANGES_SHOWN) break;
      }
    }
    return sendPage(reply, provisionResultPage({ workspaceId: workspace.id, user, outcome, error, changes }, pageContext(request, reply)), status);
  });
}
