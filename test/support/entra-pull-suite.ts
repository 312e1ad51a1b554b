import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { createWorkspace } from '../../src/admin/create-workspace.js';
import type { BindingMapping } from '../../src/connector/binding-mapping.js';
import type { ConnectorLogger } from '../../src/connector/connector.js';
import type { WorkspacePolicyInput } from '../../src/model/workspace-policy.js';
import type { ReconcileRequest } from '../../src/reconcile/reconcile-request.js';
import { reconcile } from '../../src/reconcile/reconciler.js';
import { entraHarness } from '../contract/entra-harness.js';
import { openTestStore, type TestDialect, type TestStore } from './test-store.js';

const quiet: ConnectorLogger = { debug() {}, info() {}, warn() {}, error() {} };

export interface EntraPullSuiteOptions {
  /** What every `run` asks for unless the test says otherwise. */
  request: Omit<ReconcileRequest, 'workspaceId'>;
  /** Changes per apply transaction (the reconciler's default otherwise). */
  applyBatchSize?: number;
  /** Create workspace `acme` (V2, default policy) before each test; otherwise the test calls `workspace`. */
  createWorkspace?: boolean;
}

/**
 * What the pull suites share, registered in the calling `describe`: the real Entra connector against the fake
 * Graph (with a department attribute mapped), a store of its own per test, and `run`, one reconcile of workspace
 * `acme`'s binding.
 */
export function entraPullSuite(dialect: TestDialect, options: EntraPullSuiteOptions) {
  const h = entraHarness();
  const mapping: Partial<BindingMapping> = { attributes: { department: h.departmentSource } };
  let db: TestStore | undefined;
  const suite = {
    h,
    mapping,
    workspaceId: 'acme',
    get db(): TestStore {
      if (!db) throw new Error('the suite store exists only inside a test');
      return db;
    },
    workspace: (policy: WorkspacePolicyInput = {}) => createWorkspace(suite.db.store.db, { id: suite.workspaceId, version: 'v2', now: new Date().toISOString(), policy }),
    run: (request: Partial<ReconcileRequest> = {}) =>
      reconcile(
        {
          store: suite.db.store,
          config: { connectors: [{ workspace: suite.workspaceId, kind: 'entra', schedule: '* * * * *', settings: {} }] },
          log: quiet,
          clock: () => new Date(),
          connectorFor: async () => h.connector({ mapping }),
          ...(options.applyBatchSize ? { applyBatchSize: options.applyBatchSize } : {}),
        },
        { workspaceId: suite.workspaceId, ...options.request, ...request },
      ),
    /** Members of the workspace, active or not. */
    memberCount: async () =>
      Number((await sql<{ n: number }>`select count(*) as n from membership where workspace_id = ${suite.workspaceId}`.execute(suite.db.store.db)).rows[0]!.n),
    /** An IdP user assigned to the application. */
    user: (i: number, department = 'Sales', role = 'editor') => {
      h.addUser({ id: `u-${i}`, userName: `user${i}@example.test`, givenName: `Given${i}`, familyName: `Family${i}`, email: `user${i}@example.test`, profile: { [h.departmentSource]: department } });
      h.assignUser(`u-${i}`, role);
    },
  };
  beforeAll(() => h.start());
  afterAll(() => h.stop());
  beforeEach(async () => {
    h.reset();
    db = await openTestStore(dialect);
    if (options.createWorkspace) await suite.workspace();
  });
  afterEach(async () => {
    await db?.cleanup();
    db = undefined;
  });
  return suite;
}
