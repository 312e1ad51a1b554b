#!/usr/bin/env node
import { CommanderError } from 'commander';
import { RosterdError } from '../error/rosterd-error.js';
import { buildProgram } from './build-program.js';

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

buildProgram().parseAsync(process.argv).catch(fail);
