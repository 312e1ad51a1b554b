import type { Workspace } from '../../model/workspace.js';

/** `rosterd workspace show`: the whole policy, one setting a line; `seatsInUse` shows V1 capacities as used/total. */
export function describeWorkspace(workspace: Workspace, baseUrl: string, seatsInUse: Record<string, number> = {}): string {
  const p = workspace.policy;
  const lines = [
    `workspace        ${workspace.id} (${workspace.name})`,
    `version          ${workspace.version}`,
    `SCIM base URL    ${baseUrl}`,
    `extension URN    ${workspace.extensionUrn}`,
  ];
  if (workspace.version === 'v2') {
    const source = p.roleSource.kind === 'extension' ? `${workspace.extensionUrn}:${p.roleSource.attribute}` : `core roles${p.roleSource.multiple ? ' (several accepted)' : ''}`;
    lines.push(`role             from ${source}, default ${p.defaultRole}`);
    lines.push(`role map         ${Object.entries(p.roleValueMap).map(([k, v]) => `${k}→${v}`).join(', ') || 'none (the workspace role names only)'}`);
    lines.push(`role precedence  ${p.rolePrecedence.join(' > ')}`);
  } else {
    const capacities = Object.entries(p.seats).map(([type, capacity]) => `${type} ${seatsInUse[type] ?? 0}/${capacity}`);
    const uncapped = Object.entries(seatsInUse).filter(([type]) => !(type in p.seats)).map(([type, used]) => `${type} ${used}/unlimited`);
    lines.push(`seats            ${[...capacities, ...uncapped].join(', ') || 'unlimited'}`);
    lines.push(`default seat     ${p.defaultSeatType ?? 'none (a create must carry seatType)'}`);
  }
  lines.push(`deprovision      active=false ${p.deprovision === 'remove' ? 'removes the membership' : 'suspends the membership'}; DELETE removes it`);
  lines.push(`groups           ${p.groups.mode === 'projects' ? `projects (members get ${p.groups.projectRole})` : 'plain'}${p.groups.displayNamePrefix ? `, shown as "${p.groups.displayNamePrefix}<name>"` : ''}`);
  lines.push(`creation-only    ${p.creationOnly.join(', ') || 'none'}`);
  lines.push(`adopt by name    ${p.adoptByUserName ? 'yes: a pull adopts an existing member with the same userName' : 'no'}`);
  const { count, percent } = p.deletionBudget;
  lines.push(`deletion budget  count ${count ?? 'off'}, ${percent === null ? 'percent off' : `${percent}%`}: deactivations and removals one pull cycle makes before it waits for approval`);
  return lines.join('\n');
}
