#!/usr/bin/env node
import { CommanderError } from 'commander';
import { RosterdError } from '../error/rosterd-error.js';
import { buildProgram } from './build-program.js';
import { exitQuietlyOnClosedPipe } from './closed-pipe.js';
import { usageErrorOf } from './usage-error.js';

/** Every failure is one line on stderr and a non-zero exit; a stack trace only with ROSTERD_DEBUG=1. */
function fail(error: unknown): never {
  if (error instanceof CommanderError) {
    const usage = usageErrorOf(error);
    if (!usage) process.exit(error.exitCode);
    error = usage;
  }
  if (error instanceof RosterdError) {
    process.stderr.write(`rosterd: ${error.message} [${error.code}]\n`);
    process.exit(error.exitCode);
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`rosterd: unexpected error: ${message.split('\n')[0]} [ROSTERD_E_INTERNAL]\n`);
  if (process.env.ROSTERD_DEBUG) process.stderr.write(`${(error as Error).stack ?? ''}\n`);
  process.exit(1);
}

exitQuietlyOnClosedPipe(process.stdout);
buildProgram().parseAsync(process.argv).catch(fail);
