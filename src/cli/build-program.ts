import { Command } from 'commander';
import { registerAdminKeyCommand } from './command/admin-key-command.js';
import { registerAppKeyCommand } from './command/app-key-command.js';
import { registerConnectorCommand } from './command/connector-command.js';
import { registerEventsCommand } from './command/events-command.js';
import { registerGroupsCommand } from './command/groups-command.js';
import { registerKeyCommand } from './command/key-command.js';
import { registerLogCommand } from './command/log-command.js';
import { registerMembersCommand } from './command/members-command.js';
import { registerPlanCommand } from './command/plan-command.js';
import { registerReconcileCommand } from './command/reconcile-command.js';
import { registerRunsCommand } from './command/runs-command.js';
import { registerStartCommand } from './command/start-command.js';
import { registerStatusCommand } from './command/status-command.js';
import { registerWebhookCommand } from './command/webhook-command.js';
import { registerWorkspaceCommand } from './command/workspace-command.js';
import type { GlobalOptions } from './open-store.js';

/** The whole command tree, without parsing anything: main.ts runs it, tests walk it (every command has --help). */
export function buildProgram(): Command {
  const program = new Command('rosterd')
    .description('Identity sync gateway: SCIM 2.0 push from Entra ID and Okta into one membership model')
    .option('-c, --config <file>', 'configuration file (YAML); default $ROSTERD_CONFIG, else built-in defaults')
    .option('--database <url>', 'sqlite:<path> or postgres://…; overrides the config file')
    .showSuggestionAfterError(true)
    // Commander's parse errors reach main.ts, which prints them as one usage line; commander prints none itself.
    .configureOutput({ outputError: () => undefined })
    .exitOverride();
  const globals = () => program.opts<GlobalOptions>();
  registerStartCommand(program, globals);
  registerWorkspaceCommand(program, globals);
  registerKeyCommand(program, globals);
  registerAppKeyCommand(program, globals);
  registerAdminKeyCommand(program, globals);
  registerMembersCommand(program, globals);
  registerGroupsCommand(program, globals);
  registerLogCommand(program, globals);
  registerEventsCommand(program, globals);
  registerConnectorCommand(program, globals);
  registerReconcileCommand(program, globals);
  registerRunsCommand(program, globals);
  registerStatusCommand(program, globals);
  registerPlanCommand(program, globals);
  registerWebhookCommand(program, globals);
  // Sub-commands inherit exitOverride so commander's own errors reach main.ts's one-line failure handler.
  for (const command of program.commands) command.exitOverride();
  return program;
}
