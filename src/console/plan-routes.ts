import { hostname } from 'node:os';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { approvePlan, rejectPendingPlan } from '../admin/decide-plan.js';
import { RosterdError } from '../error/rosterd-error.js';
import type { Change } from '../model/plan.js';
import { findPlan, planChanges, type StoredPlan } from '../store/plan-repository.js';
import { ConsoleError } from './console-error.js';
import { pageContext, sendPage } from './console-reply.js';
import type { ConsoleRouteOptions } from './console-route-options.js';
import { planPage, type Notice } from './plan-page.js';

/** `rosterd plan show` prints all of them. */
const CHANGES_SHOWN = 500;

type Params = { id: string };

/** Recorded on the plan, its run and the log. */
export const deciderOf = (request: FastifyRequest): string => `admin:${request.consoleSession!.keyName}`;

export async function planRoutes(app: FastifyInstance, options: ConsoleRouteOptions): Promise<void> {
  const { store, clock } = options;

  const requirePlan = async (id: string): Promise<StoredPlan> => {
    const plan = await findPlan(store.db, id);
    if (!plan) throw new ConsoleError(404, 'Not found', `There is no plan "${id.slice(0, 100)}"; old plans are pruned as new cycles run.`);
    return plan;
  };

  const render = async (request: FastifyRequest, reply: FastifyReply, id: string, notice: Notice | null, status = 200) => {
    const plan = await requirePlan(id);
    const changes: Change[] = [];
    for await (const page of planChanges(store.db, plan.id)) {
      changes.push(...page.slice(0, CHANGES_SHOWN - changes.length));
      if (changes.length >= CHANGES_SHOWN) break;
    }
    return sendPage(reply, planPage({ plan, changes, notice }, pageContext(request, reply)), status);
  };

  /** A refusal (stale, already decided) is shown on the plan's page with 409. */
  const decide = async (request: FastifyRequest<{ Params: Params }>, reply: FastifyReply, run: (plan: StoredPlan) => Promise<Notice>) => {
    const plan = await requirePlan(request.params.id);
    if (plan.status !== 'pending') {
      return render(request, reply, plan.id, { kind: 'bad', text: `This plan is ${plan.status}; only a pending plan is approved or rejected here.` }, 409);
    }
    try {
      return await render(request, reply, plan.id, await run(plan));
    } catch (error) {
      if (!(error instanceof RosterdError)) throw error;
      return render(request, reply, plan.id, { kind: 'bad', text: `${error.message} [${error.code}]` }, 409);
    }
  };

  app.get<{ Params: Params }>('/plans/:id', async (request, reply) => render(request, reply, request.params.id, null));

  app.post<{ Params: Params }>('/plans/:id/approve', async (request, reply) =>
    decide(request, reply, async (plan) => {
      const decidedBy = deciderOf(request);
      // As `rosterd plan approve`, recorded with the admin's name instead of `cli`.
      const outcome = await approvePlan(store, plan.id, { decidedBy, clock, instance: `${hostname()}:${process.pid}` });
      request.log.info({ planId: plan.id, decidedBy, result: outcome.result, runId: outcome.runId }, 'console approved a plan');
      const good = outcome.result === 'applied' || outcome.result === 'drift';
      return { kind: good ? 'good' : 'bad', text: `Approved by ${decidedBy}: ${outcome.message} (run ${outcome.runId})` };
    }),
  );

  app.post<{ Params: Params }>('/plans/:id/reject', async (request, reply) =>
    decide(request, reply, async (plan) => {
      const decidedBy = deciderOf(request);
      await rejectPendingPlan(store, plan.id, { decidedBy, clock });
      request.log.info({ planId: plan.id, decidedBy }, 'console rejected a plan');
      return { kind: 'good', text: `Rejected by ${decidedBy}: nothing of this plan was applied; the binding's next cycle plans afresh.` };
    }),
  );
}
