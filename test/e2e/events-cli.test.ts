import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace } from '../../src/admin/create-workspace.js';
import { setOwner } from '../../src/admin/set-owner.js';
import { emptyMemberFields } from '../../src/model/member.js';
import { timeOrderedId } from '../../src/model/time-ordered-id.js';
import { applyChanges } from '../../src/reconcile/apply.js';
import { assertBuilt, CLI, runCliAsync } from '../support/run-cli.js';
import { DIALECTS, openTestStore, TEST_POSTGRES_URL, type TestStore } from '../support/test-store.js';

describe.each(DIALECTS)('rosterd events on %s', (dialect) => {
  let db: TestStore;
  let env: Record<string, string>;
  const WS = 'feed';
  const now = () => new Date().toISOString();
  const create = (userName: string) =>
    applyChanges(db.store, WS, [{ action: 'create', kind: 'member', key: userName, targetId: timeOrderedId(), before: null, after: { ...emptyMemberFields(userName), role: 'editor' } }], {
      actor: 'cli',
      requestId: null,
      now,
      mode: 'whole',
    });

  beforeAll(async () => {
    assertBuilt();
    db = await openTestStore(dialect);
    env = { ROSTERD_DATABASE: dialect === 'sqlite' ? db.url : `${TEST_POSTGRES_URL}?schema=${db.schema}` };
    await createWorkspace(db.store.db, { id: WS, version: 'v2', now: now() });
    await create('ada@feed.example');
    await create('grace@feed.example');
    await setOwner(db.store, WS, 'ada@feed.example', true, now);
  });
  afterAll(() => db?.cleanup());

  it('prints the log as a table, after a sequence, and as JSON lines', async () => {
    const [table, after, json, unknown] = await Promise.all([
      runCliAsync(['events', WS], env),
      runCliAsync(['events', WS, '--after', '2'], env),
      runCliAsync(['events', WS, '--json', '--limit', '2'], env),
      runCliAsync(['events', 'nope'], env),
    ]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/^SEQ\s+AT\s+TYPE\s+SOURCE\s+SUBJECT\s+CHANGE/);
    expect(table.stdout).toMatch(/1\s+\S+\s+member\.created\s+cli\s+ada@feed\.example\s+role editor/);
    expect(table.stdout).toMatch(/3\s+\S+\s+member\.owner_changed\s+cli\s+ada@feed\.example\s+owner: false → true/);
    expect(after.stdout.trim().split('\n')).toHaveLength(2);
    expect(after.stdout).toContain('member.owner_changed');
    const lines = json.stdout.trim().split('\n').map((line) => JSON.parse(line) as { seq: number; type: string });
    expect(lines.map((e) => [e.seq, e.type])).toEqual([
      [2, 'member.created'],
      [3, 'member.owner_changed'],
    ]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.trim()).toBe('rosterd: workspace "nope" does not exist; see rosterd workspace list [ROSTERD_E_NOT_FOUND]');
  });

  it('follows: prints each event as it commits and exits 0 when interrupted', async () => {
    const child = spawn(process.execPath, [CLI, 'events', WS, '--follow', '--json', '--after', '3'], { env: { ...process.env, ROSTERD_CONFIG: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    // Complete lines only: a chunk may end inside one.
    const printed = (seq: number) => stdout.split('\n').slice(0, -1).some((line) => (JSON.parse(line) as { seq: number }).seq === seq);
    const seen = (seq: number) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (!printed(seq)) return;
          child.stdout.off('data', check);
          resolve();
        };
        child.stdout.on('data', check);
        child.once('exit', (code) => reject(new Error(`rosterd events --follow exited with ${code}`)));
        check();
      });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await create('linus@feed.example');
      await seen(4);
      await create('ken@feed.example');
      await seen(5);
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(stdout.trim().split('\n').map((line) => (JSON.parse(line) as { seq: number }).seq)).toEqual([4, 5]);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
