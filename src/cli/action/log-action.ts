import { readLog } from '../../store/provisioning-log-repository.js';
import { withStore, type GlobalOptions } from '../open-store.js';
import { requireWorkspace } from '../require-workspace.js';
import { print, printJson, renderTable } from '../view/table.js';

const summarize = (value: Record<string, unknown> | null) =>
  value === null ? '' : Object.entries(value).map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(' ').slice(0, 80);

export async function logAction(globals: GlobalOptions, workspaceId: string, options: { limit: number; since?: string; json?: boolean }): Promise<void> {
  const { limit, since } = options;
  await withStore(globals, async ({ store }) => {
    await requireWorkspace(store.db, workspaceId);
    const entries = await readLog(store.db, workspaceId, { limit, ...(since ? { since } : {}) });
    if (options.json) return printJson(entries);
    if (entries.length === 0) return print('no provisioning log entries');
    print(
      renderTable(
        ['AT', 'ACTOR', 'OPERATION', 'TARGET', 'RESULT', 'CHANGE / REASON'],
        entries.map((e) => [
          e.at,
          e.actor,
          e.operation,
          e.targetKey ?? e.targetId,
          e.result === 'refused' ? `refused ${e.errorStatus ?? ''}`.trim() : e.result,
          // A refusal or a skip is shown by its reason; what an applied write set, by its fields.
          e.result === 'applied' ? summarize(e.after ?? e.before) : e.errorDetail,
        ]),
      ),
    );
  });
}
