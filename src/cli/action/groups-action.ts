import { RosterdError } from '../../error/rosterd-error.js';
import { groupMemberRoles, groupSummaries } from '../../store/group-summaries.js';
import { withStore, type GlobalOptions } from '../open-store.js';
import { requireWorkspace } from '../require-workspace.js';
import { print, printJson, renderTable } from '../view/table.js';

/** `rosterd groups <workspace> [--group NAME]`. */
export async function groupsAction(globals: GlobalOptions, workspaceId: string, options: { group?: string; json?: boolean }): Promise<void> {
  await withStore(globals, async ({ store }) => {
    const workspace = await requireWorkspace(store.db, workspaceId);
    const summaries = await groupSummaries(store.db, workspace.id);
    if (options.group !== undefined) {
      const wanted = options.group;
      const found = summaries.find((s) => s.group.displayName === wanted || s.group.appName === wanted || s.group.externalId === wanted || s.group.id === wanted);
      if (!found) throw new RosterdError('ROSTERD_E_NOT_FOUND', `workspace "${workspace.id}" has no group "${wanted}"; see rosterd groups ${workspace.id}`);
      const members = await groupMemberRoles(store.db, found.group.id);
      if (options.json) return printJson({ group: found.group, members });
      print(`${found.group.appName} (${members.length} members)`);
      if (members.length) print(renderTable(['USERNAME', 'EXTERNAL ID', 'PROJECT ROLE'], members.map((m) => [m.userName, m.externalId, m.projectRole ?? ''])));
      return;
    }
    if (options.json) return printJson(summaries);
    if (summaries.length === 0) return print(`workspace "${workspace.id}" has no groups yet`);
    const projects = workspace.policy.groups.mode === 'projects';
    print(
      renderTable(
        ['NAME', 'EXTERNAL ID', 'MEMBERS', projects ? 'PROJECT ROLES' : 'ROLES', 'SOURCE', 'ID'],
        summaries.map((s) => [
          s.group.appName,
          s.group.externalId,
          String(s.members),
          s.roles.filter((r) => r.role !== null).map((r) => `${r.role} ×${r.members}`).join(', '),
          s.group.lastSource,
          s.group.id,
        ]),
      ),
    );
  });
}
