import { describe, expect, it } from 'vitest';
import { emptyMemberFields } from '../../../src/model/member.js';
import { desiredMemberFields } from '../../../src/reconcile/desired-member.js';
import { memberChange } from '../../../src/reconcile/member-change.js';
import type { Change } from '../../../src/model/plan.js';
import { apply } from '../../../src/reconcile/apply.js';
import { findMemberByExternalId } from '../../../src/store/member-repository.js';
import { setOwner } from '../../../src/admin/set-owner.js';
import { planChanges } from '../../../src/store/plan-repository.js';
import { entraPullSuite } from '../../support/entra-pull-suite.js';
import { DIALECTS, type TestDialect } from '../../support/test-store.js';

/**
 * A member pushed over SCIM by the same IdP is the same person (same externalId) as the one the
 * pull reads. The first pull links it to the binding, visibly in the plan, whether or not a field differs; from then
 * on the pull deprovisions it like any of its members. Another binding's members and owners are left alone.
 */
const WS = 'acme';
const KEY = 'key:k-push';

describe.each(DIALECTS)('a pushed member and the pull, on %s', (dialect: TestDialect) => {
  const pull = entraPullSuite(dialect, { request: { mode: 'full', dryRun: false, trigger: 'cli' } });
  const { h, mapping, workspace, run, user } = pull;
  /** The IdP's own push of a user: the create its SCIM client sends, with exactly what the IdP holds, through the one write path. */
  const push = async (externalId: string) => {
    const person = (await h.connector({ mapping }).fetchOne(externalId))!;
    await apply(pull.db.store, WS, async (_trx, ws) => ({
      changes: [memberChange(ws, null, Object.assign(emptyMemberFields(person.userName), desiredMemberFields(ws, person)))],
      value: null,
    }), { ...{ actor: KEY, requestId: null, now: () => new Date().toISOString() }, mode: 'whole', failure: { operation: 'member.create', targetKind: 'member', targetId: null, targetKey: person.userName } });
  };
  const changesOf = async (planId: string | null): Promise<Change[]> => {
    const out: Change[] = [];
    if (planId !== null) for await (const page of planChanges(pull.db.store.db, planId)) out.push(...page);
    return out;
  };
  const member = (externalId: string) => findMemberByExternalId(pull.db.store.db, WS, externalId);

  it('push, then a full pull links the pushed members; once the IdP unassigns one, the next pull removes it (deprovision: remove)', async () => {
    await workspace({ deprovision: 'remove' });
    for (let i = 1; i <= 3; i++) user(i);
    await push('u-1');
    await push('u-2');
    expect((await member('u-1'))?.managedBy).toBeNull();

    const first = await run();
    expect(first).toMatchObject({ result: 'applied', summary: { create: 1, update: 2, skip: 0 } });
    const updates = (await changesOf(first.planId)).filter((c) => c.action === 'update');
    expect(updates.map((c) => ({ key: c.key, before: c.before, after: c.after, reason: c.reason }))).toEqual(
      ['user1@example.test', 'user2@example.test'].map((key) => ({ key, before: { managedBy: null }, after: { managedBy: 'entra' }, reason: `linked to connector entra (was written by ${KEY})` })),
    );
    expect(await member('u-1')).toMatchObject({ managedBy: 'entra', lastSource: 'connector:entra', department: 'Sales' });
    // The link is one-time: the pull and the push agree, so the next dry run has nothing to say.
    expect(await run({ dryRun: true })).toMatchObject({ result: 'no_changes' });

    h.unassignUser('u-1');
    const next = await run();
    expect(next).toMatchObject({ result: 'applied', summary: { remove: 1 } });
    expect(await member('u-1')).toBeUndefined();
    expect((await member('u-2'))?.active).toBe(true);
  });

  it('leaves another binding\'s member and an owner as they are, and never deprovisions them', async () => {
    await workspace();
    for (let i = 1; i <= 3; i++) user(i);
    await push('u-1');
    await push('u-2');
    // u-1 belongs to another binding of the workspace; u-2 is an owner.
    await pull.db.store.db.updateTable('membership').set({ managed_by: 'entra-eu' }).where('external_id', '=', 'u-1').execute();
    await setOwner(pull.db.store, WS, (await member('u-2'))!.userName, true, () => new Date().toISOString());
    const before = { u1: await member('u-1'), u2: await member('u-2') };

    // Nothing differs: neither is linked, and the plan has no row for them.
    const first = await run();
    expect(first).toMatchObject({ result: 'applied', summary: { create: 1, update: 0, skip: 0 } });

    h.updateUser('u-1', { profile: { [h.departmentSource]: 'Finance' } });
    h.updateUser('u-2', { profile: { [h.departmentSource]: 'Finance' } });
    const changed = await run({ dryRun: true });
    const skips = await changesOf(changed.planId);
    expect(skips.map((c) => [c.action, c.key])).toEqual([
      ['skip', 'user1@example.test'],
      ['skip', 'user2@example.test'],
    ]);
    expect(skips[0]!.reason).toBe('member "user1@example.test" is managed by connector entra-eu, so connector entra leaves it as it is: assign the IdP user through one binding only');
    expect(skips[1]!.reason).toContain('is an owner of workspace "acme"');

    h.unassignUser('u-1');
    h.unassignUser('u-2');
    expect(await run()).toMatchObject({ result: 'no_changes' });
    expect(await member('u-1')).toMatchObject({ active: true, managedBy: 'entra-eu', department: 'Sales', version: before.u1!.version });
    expect(await member('u-2')).toMatchObject({ active: true, managedBy: null, owner: true, department: 'Sales', version: before.u2!.version });
  });
});
