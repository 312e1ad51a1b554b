import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { usageErrorOf } from '../../../src/cli/usage-error.js';

/** Parse `args` with a small program set up like rosterd's, and return what commander threw. */
function parseError(args: string[]): unknown {
  const program = new Command('rosterd').showSuggestionAfterError(true).configureOutput({ outputError: () => undefined, writeOut: () => undefined, writeErr: () => undefined }).exitOverride();
  program.command('workspace').command('create <id>').exitOverride().action(() => undefined);
  try {
    program.parse(args, { from: 'user' });
  } catch (error) {
    return error;
  }
  return null;
}

describe("commander's errors as one usage line", () => {
  it('keeps the message, drops "error:", and points to the help or the likely command', () => {
    const missing = usageErrorOf(parseError(['workspace', 'create']) as never);
    expect(missing?.code).toBe('ROSTERD_E_USAGE');
    expect(missing?.message).toBe("missing required argument 'id'; see rosterd --help");
    expect(usageErrorOf(parseError(['workspace', 'crate']) as never)?.message).toBe("unknown command 'crate'; did you mean create?");
    expect(usageErrorOf(parseError(['--nope']) as never)?.message).toBe("unknown option '--nope'; see rosterd --help");
  });

  it('leaves help and the version alone', () => {
    expect(usageErrorOf(parseError(['--help']) as never)).toBeNull();
  });
});
