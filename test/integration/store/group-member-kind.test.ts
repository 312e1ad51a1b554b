import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { down, up } from '../../../migrations/20261207000100_group_member_kind.js';
import { findPlan, planChanges } from '../../../src/store/plan-repository.js';
import { workspaceWithEmptyPlan } from '../../support/empty-plan.js';
import { DIALECTS, openTestStore, type TestDialect, type TestStore } from '../../support/test-store.js';

/** Kept plans and log rows written when a group link was the change kind `membership` read back as `group_member`. */
describe.each(DIALECTS)('the group_member kind migration on %s', (dialect: TestDialect) => {
  let db: TestStore;
  beforeEach(async () => {
    db = await openTestStore(dialect);
  });
  afterEach(() => db.cleanup());

  it('renames the kind in kept plan changes and the provisioning log, and back', async () => {
    const kysely = db.store.db;
    await workspaceWithEmptyPlan(kysely, 'p1');
    const link = { action: 'create', kind: 'membership', key: 'Design ← ada', targetId: 'g1/m1', before: null, after: { groupId: 'g1', memberId: 'm1', projectRole: null }, reason: 'said "kind":"membership" in a reason' };
    await kysely.insertInto('plan_change').values({ plan_id: 'p1', seq: 0, sort_key: '2create', change: JSON.stringify(link) }).execute();
    const now = new Date().toISOString();
    await kysely
      .insertInto('provisioning_log')
      .values({ workspace_id: 'acme', actor: 'cli', operation: 'membership.create', target_kind: 'membership', target_id: 'g1/m1', target_key: 'Design ← ada', before: null, after: null, result: 'applied', error_status: null, error_detail: null, request_id: null, at: now } as never)
      .execute();

    await up(kysely);
    const pages = [];
    for await (const page of planChanges(kysely, 'p1')) pages.push(page);
    expect(pages[0]![0]).toMatchObject({ kind: 'group_member', reason: 'said "kind":"membership" in a reason' });
    const log = await kysely.selectFrom('provisioning_log').select(['operation', 'target_kind']).execute();
    expect(log).toEqual([{ operation: 'group_member.create', target_kind: 'group_member' }]);

    await down(kysely);
    expect((await kysely.selectFrom('provisioning_log').select(['operation', 'target_kind']).execute())[0]).toEqual({ operation: 'membership.create', target_kind: 'membership' });
    expect(await findPlan(kysely, 'p1')).toBeDefined();
  });
});
