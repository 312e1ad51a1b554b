import type { CommanderError } from 'commander';
import { RosterdError } from '../error/rosterd-error.js';

/** Commander's codes that are not errors: help and the version, printed as asked. */
const NOT_ERRORS = new Set(['commander.helpDisplayed', 'commander.help', 'commander.version', 'commander.executeSubCommandAsync']);

/**
 * Commander's own parse errors (an unknown command or option, a missing argument) as the CLI's one-line usage error,
 * with a pointer to the help; null when commander only printed help or the version.
 */
export function usageErrorOf(error: CommanderError): RosterdError | null {
  if (NOT_ERRORS.has(error.code) || error.exitCode === 0) return null;
  const message = error.message.replace(/^error:\s*/, '').split('\n')[0]!.trim();
  const suggestion = /\(Did you mean (.+)\?\)/.exec(error.message)?.[1];
  return new RosterdError('ROSTERD_E_USAGE', `${message}; ${suggestion ? `did you mean ${suggestion}?` : 'see rosterd --help'}`);
}
