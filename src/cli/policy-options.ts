import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { parseYaml } from '../config/parse-yaml.js';
import { RosterdError } from '../error/rosterd-error.js';
import type { WorkspacePolicyInput } from '../model/workspace-policy.js';
import { parseSeats } from './parse-seats.js';

/** The policy flags of `workspace create` and `workspace update`, as commander hands them over. */
export interface PolicyOptions {
  policyFile?: string;
  seats?: string;
  defaultSeatType?: string;
  defaultRole?: string;
  roleMap?: string;
  deprovision?: string;
  groupMode?: string;
  projectRole?: string;
  groupPrefix?: string;
  creationOnly?: string;
  adoptByUserName?: string;
  deletionBudgetCount?: string;
  deletionBudgetPercent?: string;
}

/** Add the policy flags to a command. */
export function withPolicyOptions(command: Command): Command {
  return command
    .option('--policy-file <file>', 'YAML or JSON with policy keys (as in workspace show --json), laid over the current policy; flags win over it')
    .option('--seats <list>', 'V1 seat capacities, e.g. builder=10,pro=5 (other seat types keep theirs)')
    .option('--default-seat-type <type>', 'V1 seat type when the IdP sends none')
    .option('--default-role <role>', 'V2 role when the IdP sends none: admin, editor or viewer')
    .option('--role-map <list>', 'V2 IdP value → role, e.g. ADMIN=admin,OPERATOR=editor (replaces the map; "none" clears it)')
    .option('--deprovision <mode>', 'what active=false does: suspend or remove')
    .option('--group-mode <mode>', 'plain, or projects (each group is a project)')
    .option('--project-role <role>', 'role members get in a project group: admin, editor or viewer')
    .option('--group-prefix <text>', 'prefix the app shows before group names, e.g. "[SCIM] " ("" for none)')
    .option('--creation-only <fields>', 'member fields set only when created, e.g. locale ("none" clears)')
    .option('--adopt-by-user-name <yes|no>', 'a pull adopts an existing member with the same userName')
    .option('--deletion-budget-count <n|off>', 'most deactivations and removals one pull cycle may make before it waits for approval')
    .option('--deletion-budget-percent <p|off>', 'the same, as a percent of the binding\'s members');
}

function yesNo(flag: string, value: string): boolean {
  if (/^(yes|on|true)$/i.test(value)) return true;
  if (/^(no|off|false)$/i.test(value)) return false;
  throw new RosterdError('ROSTERD_E_USAGE', `${flag} must be yes or no, got "${value}"`);
}

function limit(flag: string, value: string): number | null {
  if (/^(off|none)$/i.test(value)) return null;
  if (!/^\d+(\.\d+)?$/.test(value)) throw new RosterdError('ROSTERD_E_USAGE', `${flag} must be a number or off, got "${value}"`);
  return Number(value);
}

function valueMap(text: string): Record<string, string> {
  if (text === 'none') return {};
  const map: Record<string, string> = {};
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const at = part.lastIndexOf('=');
    if (at <= 0 || at === part.length - 1) throw new RosterdError('ROSTERD_E_USAGE', `--role-map: "${part}" should look like ADMIN=admin`);
    map[part.slice(0, at)] = part.slice(at + 1);
  }
  return map;
}

function policyFile(file: string): WorkspacePolicyInput {
  let parsed: unknown;
  try {
    parsed = parseYaml(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new RosterdError('ROSTERD_E_USAGE', `--policy-file ${file}: ${(error as Error).message.split('\n')[0]}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new RosterdError('ROSTERD_E_USAGE', `--policy-file ${file}: expected a mapping of policy keys`);
  // `workspace show --json` output works as a file: its policy is under "policy".
  const policy = 'policy' in parsed && typeof (parsed as { policy: unknown }).policy === 'object' ? (parsed as { policy: object }).policy : parsed;
  return policy as WorkspacePolicyInput;
}

/**
 * The policy the flags ask for, before the workspace's own or defaults are added: only what was given, so that a
 * flag of the other version can be refused. Values are checked by the policy schema where they are stored.
 */
export function policyFromOptions(o: PolicyOptions): WorkspacePolicyInput {
  const policy: Record<string, unknown> = o.policyFile ? { ...policyFile(o.policyFile) } : {};
  if (o.seats !== undefined) policy.seats = { ...(policy.seats as object | undefined), ...parseSeats(o.seats) };
  if (o.defaultSeatType !== undefined) policy.defaultSeatType = o.defaultSeatType;
  if (o.defaultRole !== undefined) policy.defaultRole = o.defaultRole;
  if (o.roleMap !== undefined) policy.roleValueMap = valueMap(o.roleMap);
  if (o.deprovision !== undefined) policy.deprovision = o.deprovision;
  const groups = { ...(policy.groups as object | undefined) } as Record<string, unknown>;
  if (o.groupMode !== undefined) groups.mode = o.groupMode;
  if (o.projectRole !== undefined) groups.projectRole = o.projectRole;
  if (o.groupPrefix !== undefined) groups.displayNamePrefix = o.groupPrefix;
  if (Object.keys(groups).length) policy.groups = groups;
  if (o.creationOnly !== undefined) policy.creationOnly = o.creationOnly === 'none' ? [] : o.creationOnly.split(',').map((f) => f.trim()).filter(Boolean);
  if (o.adoptByUserName !== undefined) policy.adoptByUserName = yesNo('--adopt-by-user-name', o.adoptByUserName);
  const budget = { ...(policy.deletionBudget as object | undefined) } as Record<string, unknown>;
  if (o.deletionBudgetCount !== undefined) budget.count = limit('--deletion-budget-count', o.deletionBudgetCount);
  if (o.deletionBudgetPercent !== undefined) budget.percent = limit('--deletion-budget-percent', o.deletionBudgetPercent);
  if (Object.keys(budget).length) policy.deletionBudget = budget;
  return policy as WorkspacePolicyInput;
}
