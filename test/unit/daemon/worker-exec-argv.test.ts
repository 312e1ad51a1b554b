import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';
import { workerExecArgv } from '../../../src/daemon/worker-exec-argv.js';

describe('workerExecArgv', () => {
  it('adds the configured V8 flags to a worker that only serves requests', () => {
    expect(workerExecArgv(['--enable-source-maps'], ['--single-threaded-gc', '--max-semi-space-size=2'], false)).toEqual([
      '--enable-source-maps',
      '--single-threaded-gc',
      '--max-semi-space-size=2',
    ]);
  });

  it('leaves a worker that runs pull schedules with the primary’s flags only', () => {
    expect(workerExecArgv(['--enable-source-maps'], ['--single-threaded-gc'], true)).toEqual(['--enable-source-maps']);
  });

  it('defaults to one GC thread and a 2 MB young generation; [] keeps V8’s defaults; a non-flag is named', () => {
    expect(loadConfig({ env: {} }).server.workerV8Flags).toEqual(['--single-threaded-gc', '--max-semi-space-size=2']);
    const file = (text: string) => {
      const p = path.join(mkdtempSync(path.join(tmpdir(), 'rosterd-config-')), 'rosterd.yaml');
      writeFileSync(p, text);
      return p;
    };
    expect(loadConfig({ path: file('server:\n  workerV8Flags: []\n'), env: {} }).server.workerV8Flags).toEqual([]);
    expect(() => loadConfig({ path: file('server:\n  workerV8Flags: ["rm -rf /"]\n'), env: {} })).toThrow(/server\.workerV8Flags\.0: must be a V8 flag/);
  });
});
