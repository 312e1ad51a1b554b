import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE } from '../../../src/error/rosterd-error.js';

describe('error catalogue', () => {
  it('lists exactly the catalogued codes in the README', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const documented = new Set(readme.match(/ROSTERD_E_[A-Z_]+/g) ?? []);
    expect([...documented].sort()).toEqual(Object.keys(ERROR_CATALOGUE).sort());
  });
});
