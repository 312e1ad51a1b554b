import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { createApiKey } from '../src/admin/create-api-key.js';
import { createWorkspace } from '../src/admin/create-workspace.js';
import type { Store } from '../src/store/store.js';
import type { AccountTable, MembershipTable, NewMembershipRow } from '../src/store/database.js';

/**
 * Seed one V2 workspace with N members straight into the database: multi-row INSERTs in one transaction,
 * bypassing SCIM and `apply` (seeding 100,000 rows through the API would take minutes and measure nothing).
 * The rows look like what `apply` writes for an Entra create: an account per lower-cased email, then the
 * membership with userName / its lower-cased twin, externalId, name parts, one work email (JSON text),
 * active = 1, a role, last_source, version 1 and ISO timestamps.
 */

/** Bound parameters per statement: SQLite's SQLITE_MAX_VARIABLE_NUMBER (3.32+) is 32,766; PostgreSQL's limit is 65,535. */
const MAX_PARAMETERS = { sqlite: 32_766, postgres: 65_535 } as const;

export interface SeedOptions {
  members: number;
  workspaceId?: string;
  /** How many (id, userName, externalId) triples to hand back for the workloads to rotate through. */
  sampleSize?: number;
  /** How many member ids to hand back for the big group PATCH. */
  groupMembers?: number;
}

export interface SeedSample {
  ids: string[];
  userNames: string[];
  externalIds: string[];
}

export interface SeedResult {
  workspaceId: string;
  token: string;
  members: number;
  seconds: number;
  /** Spread evenly over the whole table, so lookups touch the whole index, not one hot corner. */
  sample: SeedSample;
  groupMemberIds: string[];
}

const GIVEN = ['Ada', 'Grace', 'Alan', 'Ines', 'Kofi', 'Mei', 'Omar', 'Priya', 'Lars', 'Sofia', 'Yuki', 'Tomas', 'Amara', 'Diego', 'Nora', 'Ravi'];
const FAMILY = ['Lovelace', 'Hopper', 'Turing', 'Moreau', 'Mensah', 'Chen', 'Haddad', 'Sharma', 'Nilsen', 'Rossi', 'Sato', 'Novak', 'Okafor', 'Garcia', 'Berg', 'Iyer'];
const TITLES = ['Engineer', 'Designer', 'Analyst', 'Manager', 'Support Specialist', 'Accountant'];
const DEPARTMENTS = ['Engineering', 'Design', 'Finance', 'Sales', 'Support', 'Operations'];

/** `user{i}@bench.example`: the userName and the (only, primary, work) email of seeded member i. */
export const seededUserName = (i: number): string => `user${i}@bench.example`;

export async function seedWorkspace(store: Store, options: SeedOptions): Promise<SeedResult> {
  const started = performance.now();
  const n = options.members;
  const workspaceId = options.workspaceId ?? 'bench';
  const now = new Date().toISOString();
  await createWorkspace(store.db, { id: workspaceId, version: 'v2', now });
  const { token } = await createApiKey(store.db, { workspaceId, name: 'bench', now });

  const sampleSize = Math.min(n, options.sampleSize ?? 20_000);
  const groupSize = Math.min(n, options.groupMembers ?? 10_000);
  // Member i is in the sample when i hits the stride; the group's members use their own stride.
  const sampleStride = n / sampleSize;
  const groupStride = n / groupSize;
  const sample: SeedSample = { ids: [], userNames: [], externalIds: [] };
  const groupMemberIds: string[] = [];
  let nextSample = 0;
  let nextGroup = 0;

  // Distinct, ascending creation times (one second apart, ending now) like a directory provisioned over time.
  const base = Date.parse(now) - n * 1000;

  const accountColumns = 3;
  const memberColumns = 20;
  const chunk = Math.floor(MAX_PARAMETERS[store.dialect.name] / Math.max(accountColumns, memberColumns));

  await store.writeTransaction(async (trx) => {
    for (let start = 0; start < n; start += chunk) {
      const end = Math.min(n, start + chunk);
      const accounts: AccountTable[] = [];
      const memberships: Partial<MembershipTable>[] = [];
      for (let i = start; i < end; i++) {
        const userName = seededUserName(i);
        const accountId = randomUUID();
        const id = randomUUID();
        const externalId = randomUUID();
        const at = new Date(base + i * 1000).toISOString();
        const given = GIVEN[i % GIVEN.length]!;
        const family = FAMILY[Math.floor(i / GIVEN.length) % FAMILY.length]!;
        accounts.push({ id: accountId, email: userName, created_at: at });
        memberships.push({
          id,
          workspace_id: workspaceId,
          account_id: accountId,
          external_id: externalId,
          user_name: userName,
          user_name_lower: userName.toLowerCase(),
          display_name: `${given} ${family}`,
          given_name: given,
          family_name: family,
          formatted_name: `${given} ${family}`,
          title: TITLES[i % TITLES.length]!,
          department: DEPARTMENTS[i % DEPARTMENTS.length]!,
          emails: JSON.stringify([{ value: userName, type: 'work', primary: true }]),
          active: 1,
          role: i % 5 === 0 ? 'editor' : 'viewer',
          owner: 0,
          last_source: 'cli',
          version: 1,
          created_at: at,
          updated_at: at,
        });
        if (i >= nextSample * sampleStride && sample.ids.length < sampleSize) {
          sample.ids.push(id);
          sample.userNames.push(userName);
          sample.externalIds.push(externalId);
          nextSample++;
        }
        // Offset by half a stride so the group's members are not exactly the sampled ones.
        if (i >= (nextGroup + 0.5) * groupStride - 0.5 && groupMemberIds.length < groupSize) {
          groupMemberIds.push(id);
          nextGroup++;
        }
      }
      await trx.insertInto('account').values(accounts).execute();
      await trx.insertInto('membership').values(memberships as NewMembershipRow[]).execute();
    }
  });

  // What autovacuum would do within a minute of a bulk load anyway (planner statistics, visibility map); done
  // now so it does not run in the middle of the first workload.
  if (store.dialect.name === 'postgres') await sql`vacuum (analyze) account, membership`.execute(store.db);
  else await sql`pragma wal_checkpoint(TRUNCATE)`.execute(store.db);

  return { workspaceId, token, members: n, seconds: (performance.now() - started) / 1000, sample, groupMemberIds };
}
