import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../../src/cli/build-program.js';

/** Every command path of the program, e.g. ['workspace', 'create']: walked, so a new command is covered by itself. */
function commandPaths(command: Command, prefix: string[] = []): { path: string[]; command: Command }[] {
  return command.commands.flatMap((sub) => {
    const path = [...prefix, sub.name()];
    return [{ path, command: sub }, ...commandPaths(sub, path)];
  });
}

/**
 * `rosterd <path> --help` parsed by the real program in-process, as main.ts parses argv: what it prints and the
 * exit code commander asks for (main.ts exits with it). No action runs for --help, so nothing touches a database.
 */
async function help(path: string[]): Promise<{ exitCode: number; out: string; err: string }> {
  const program = buildProgram();
  let out = '';
  let err = '';
  const capture = (command: Command) => {
    command.configureOutput({ writeOut: (text) => (out += text), writeErr: (text) => (err += text) });
    command.commands.forEach(capture);
  };
  capture(program);
  try {
    await program.parseAsync(['node', 'rosterd', ...path, '--help']);
  } catch (error) {
    return { exitCode: (error as { exitCode: number }).exitCode, out, err };
  }
  throw new Error(`rosterd ${path.join(' ')} --help did not stop after printing help`);
}

describe('the rosterd command tree', () => {
  const paths = commandPaths(buildProgram());

  it('has the commands the README documents', () => {
    const names = paths.map((p) => p.path.join(' '));
    for (const name of ['start', 'workspace create', 'workspace list', 'workspace show', 'key create', 'key list', 'key revoke', 'members list', 'members set-owner', 'log', 'connector test', 'reconcile', 'apply', 'plan show', 'plan approve', 'runs']) {
      expect(names).toContain(name);
    }
  });

  it('answers --help on the program with exit 0 and a usage line', async () => {
    const result = await help([]);
    expect(result.exitCode).toBe(0);
    expect(result.out).toMatch(/^Usage: rosterd \[options\] \[command\]$/m);
  });

  it.each(paths.map((p) => [p.path.join(' '), p] as const))('answers rosterd %s --help with exit 0, a usage line naming it and what it does', async (_name, { path, command }) => {
    const result = await help(path);
    expect(result.err).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.out).toMatch(new RegExp(`^Usage: rosterd ${path.join(' ')} `, 'm'));
    expect(command.description()).not.toBe('');
    // Commander wraps long descriptions to the terminal width.
    const words = (text: string) => text.replace(/\s+/g, ' ');
    expect(words(result.out)).toContain(words(command.description()));
  });
});
