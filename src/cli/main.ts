#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { RosterdError } from '../error/rosterd-error.js';
import { registerConnectorCommand } from './command/connector-command.js';
import { registerKeyCommand } from './command/key-command.js';
import { registerLogCommand } from './command/log-command.js';
import { registerMembersCommand } from './command/members-command.js';
import { registerPlanCommand } from './command/plan-command.js';
import { registerReconcileCommand } from './command/reconcile-command.js';
import { registerRunsCommand } from './command/runs-command.js';
import { registerStartCommand } from './command/start-command.js';
import { registerWorkspaceCommand } from './command/workspace-command.js';
import type { GlobalOptions } from './open-store.js';

/** Every failure is one line on stderr and a non-zero exit; a stack trace only with ROSTERD_DEBUG=1. */
function fail(error: unknown): never {
  if (error instanceof RosterdError) {
    process.stderr.write(`rosterd: ${error.message} [${error.code}]\n`);
    process.exit(error.exitCode);
  }
  if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : 1);
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`rosterd: unexpected error: ${message.split('\n')[0]} [ROSTERD_E_INTERNAL]\n`);
  if (process.env.ROSTERD_DEBUG) process.stderr.write(`${(error as Error).stack ?? ''}\n`);
  process.exit(1);
}

export function buildProgram(): Command {
  const program = new Command('rosterd')
    .description('Identity sync gateway: SCIM 2.0 push from Entra ID and Okta into one membership model')
    .option('-c, --config <file>', 'configuration file (YAML); default $ROSTERD_CONFIG, else built-in defaults')
    .option('--database <url>', 'sqlite:<path> or postgres://…; overrides the config file')
    .showSuggestionAfterError(true)
    .exitOverride();
  const globals = () => program.opts<GlobalOptions>();
  registerStartCommand(program, globals);
  registerWorkspaceCommand(program, globals);
  registerKeyCommand(program, globals);
  registerMembersCommand(program, globals);
  registerLogCommand(program, globals);
  registerConnectorCommand(program, globals);
  registerReconcileCommand(program, globals);
  registerRunsCommand(program, globals);
  registerPlanCommand(program, globals);
  // Sub-commands inherit exitOverride so commander's own errors come back here as one line.
  for (const command of program.commands) command.exitOverride();
  return program;
}

buildProgram().parseAsync(process.argv).catch(fail);
