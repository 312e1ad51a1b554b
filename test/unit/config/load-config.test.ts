import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';

const file = (text: string) => {
  const p = path.join(mkdtempSync(path.join(tmpdir(), 'rosterd-config-')), 'rosterd.yaml');
  writeFileSync(p, text);
  return p;
};

describe('loadConfig', () => {
  it('needs no file: SQLite in ./data, port 8080, workspace demo on first start', () => {
    const config = loadConfig({ env: {} });
    expect(config.database).toBe('sqlite:./data/rosterd.db');
    expect(config.server).toMatchObject({ host: '127.0.0.1', port: 8080 });
    expect(config.bootstrap.workspace).toBe('demo');
    expect(Object.isFrozen(config.server)).toBe(true);
  });
  it('reads the file named by ROSTERD_CONFIG', () => {
    const config = loadConfig({ env: { ROSTERD_CONFIG: file('server:\n  port: 9090\ndatabase: postgres://x@h/db\n') } });
    expect(config.server.port).toBe(9090);
    expect(config.database).toBe('postgres://x@h/db');
  });
  it('names an unknown key', () => {
    expect(() => loadConfig({ path: file('server:\n  prot: 1\n'), env: {} })).toThrow(/server\.prot: unknown key/);
  });
  it('names a wrong value', () => {
    expect(() => loadConfig({ path: file('server:\n  port: "eighty"\n'), env: {} })).toThrow(/server\.port:/);
    expect(() => loadConfig({ path: file('database: mysql://x\n'), env: {} })).toThrow(/database: must be sqlite:<path> or a postgres:\/\/ URL/);
  });
  it('takes SCIM budgets from the file, defaults the rest, and names one out of range', () => {
    const config = loadConfig({ path: file('scim:\n  budgets:\n    filterTerms: 50\n    heavyRequestQueue: 0\n'), env: {} });
    expect(config.scim.budgets).toMatchObject({ filterTerms: 50, heavyRequestQueue: 0, filterDepth: 16, identifierLength: 512 });
    expect(() => loadConfig({ path: file('scim:\n  budgets:\n    filterDepth: 500\n'), env: {} })).toThrow(/scim\.budgets\.filterDepth/);
    expect(() => loadConfig({ path: file('scim:\n  budgets:\n    patchOperations: 0\n'), env: {} })).toThrow(/scim\.budgets\.patchOperations/);
    expect(() => loadConfig({ path: file('scim:\n  budgets:\n    patchOps: 5\n'), env: {} })).toThrow(/scim\.budgets\.patchOps: unknown key/);
  });
  it('says when the file is missing or not YAML', () => {
    expect(() => loadConfig({ path: '/nonexistent/rosterd.yaml', env: {} })).toThrow(/cannot read config file .*ENOENT/);
    expect(() => loadConfig({ path: file('server: [1, 2\n'), env: {} })).toThrow(/not valid YAML/);
  });
  it('lets the environment override the database and port', () => {
    const config = loadConfig({ env: { ROSTERD_DATABASE: 'sqlite:/tmp/x.db', ROSTERD_PORT: '0' } });
    expect(config.database).toBe('sqlite:/tmp/x.db');
    expect(config.server.port).toBe(0);
  });
  it('takes server.workers as a count or auto, from the file or ROSTERD_WORKERS, and names a wrong one', () => {
    expect(loadConfig({ env: {} }).server.workers).toBe(1);
    expect(loadConfig({ path: file('server:\n  workers: auto\n'), env: {} }).server.workers).toBe('auto');
    expect(loadConfig({ env: { ROSTERD_WORKERS: '2' } }).server.workers).toBe(2);
    expect(() => loadConfig({ path: file('server:\n  workers: 0\n'), env: {} })).toThrow(/server\.workers:/);
    expect(() => loadConfig({ env: { ROSTERD_WORKERS: 'many' } })).toThrow(/ROSTERD_WORKERS: expected a number of workers or "auto", got "many"/);
  });
  it('bounds the heap growth of pull cycles at 50% unless told otherwise, and names a wrong value', () => {
    expect(loadConfig({ env: {} }).reconcile.heapGrowthPercent).toBe(50);
    expect(loadConfig({ path: file('reconcile:\n  heapGrowthPercent: 0\n'), env: {} }).reconcile.heapGrowthPercent).toBe(0);
    expect(() => loadConfig({ path: file('reconcile:\n  heapGrowthPercent: -5\n'), env: {} })).toThrow(/reconcile\.heapGrowthPercent:/);
  });
  it('fills ${VAR} from the environment and names a missing one', () => {
    const path = file('database: postgres://rosterd:${DB_PASSWORD}@db/rosterd\n');
    expect(loadConfig({ path, env: { DB_PASSWORD: 's3cret' } }).database).toBe('postgres://rosterd:s3cret@db/rosterd');
    expect(() => loadConfig({ path, env: {} })).toThrow(/database: environment variable DB_PASSWORD is not set/);
  });
});
