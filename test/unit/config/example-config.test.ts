import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/config-schema.js';
import { loadConfig } from '../../../src/config/load-config.js';

const EXAMPLE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../config/rosterd.example.yaml');

/** What the ${NAME} references of the example's commented-out settings need. */
const ENV = { ENTRA_CLIENT_SECRET: 'secret', OKTA_API_TOKEN: 'token' };

/**
 * The example with its commented-out settings switched on: a comment line whose text is a YAML key (`# publicUrl: …`,
 * `#  - path: /scim/v2`) loses its `# `, so the example's own indentation nests it. Prose comments start with a capital
 * or a non-key word and stay comments.
 */
function uncomment(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      const match = /^(\s*)# ?(.*)$/.exec(line);
      if (!match || !/^\s*(- )?[a-z][A-Za-z0-9]*:(\s|$)/.test(match[2]!)) return line;
      return `${match[1]}${line.slice(match[1]!.length).replace(/^# /, '')}`;
    })
    .join('\n');
}

interface SchemaKey {
  /** `['server', 'port']`, `['connectors', 'kind']`: a list's items add no segment. */
  path: string[];
  /** A key of a list's items (a mount's path, a binding's kind). */
  inList: boolean;
}

/** Every key of the zod config schema, walked through defaults, optionals, lists and unions. */
function schemaKeys(schema: z.core.$ZodType, prefix: string[] = [], inList = false): SchemaKey[] {
  const def = schema._zod.def as unknown as Record<string, unknown> & { type: string };
  switch (def.type) {
    case 'object':
      return Object.entries(def.shape as Record<string, z.core.$ZodType>).flatMap(([key, inner]) => [{ path: [...prefix, key], inList }, ...schemaKeys(inner, [...prefix, key], inList)]);
    case 'default':
    case 'prefault':
    case 'optional':
    case 'nullable':
    case 'nonoptional':
    case 'readonly':
    case 'catch':
      return schemaKeys(def.innerType as z.core.$ZodType, prefix, inList);
    case 'pipe':
      return schemaKeys(def.in as z.core.$ZodType, prefix, inList);
    case 'array':
      return schemaKeys(def.element as z.core.$ZodType, prefix, true);
    case 'union':
      return (def.options as z.core.$ZodType[]).flatMap((option) => schemaKeys(option, prefix, inList));
    // A record's keys are free-form (a connector's `settings` belong to its kind and its README).
    default:
      return [];
  }
}

/** Whether the parsed YAML has this key path; through a list, any item may have it. */
function has(value: unknown, keyPath: string[]): boolean {
  if (keyPath.length === 0) return true;
  if (Array.isArray(value)) return value.some((item) => has(item, keyPath));
  if (!value || typeof value !== 'object') return false;
  const [head, ...rest] = keyPath as [string, ...string[]];
  return head in value && has((value as Record<string, unknown>)[head], rest);
}

describe('config/rosterd.example.yaml', () => {
  const text = readFileSync(EXAMPLE, 'utf8');
  const written = (content: string) => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'rosterd-example-')), 'rosterd.yaml');
    writeFileSync(file, content);
    return file;
  };

  it('loads as it is, with the defaults rosterd has without a file', () => {
    expect(loadConfig({ path: EXAMPLE, env: {} })).toEqual(loadConfig({ env: {} }));
  });

  it('still loads with every commented-out setting switched on', () => {
    const config = loadConfig({ path: written(uncomment(text)), env: ENV });
    expect(config.server.publicUrl).toMatch(/^https:\/\//);
    expect(config.scim.mounts.length).toBeGreaterThan(0);
    expect(config.connectors.map((c) => c.kind).sort()).toEqual(['entra', 'okta']);
  });

  it('shows every key of the config schema', () => {
    const documented = parseYaml(uncomment(text)) as unknown;
    const keys = schemaKeys(configSchema).map((key) => key.path);
    expect(keys.length).toBeGreaterThan(15);
    const missing = keys.filter((key) => !has(documented, key)).map((key) => key.join('.'));
    expect(missing, 'keys of src/config/config-schema.ts that config/rosterd.example.yaml does not show').toEqual([]);
  });

  it('has a comment explaining each setting, above it or beside it', () => {
    const lines = uncomment(text).split('\n');
    // Keys of a list's items are shown in the list's example; the list itself is explained.
    const settings = schemaKeys(configSchema).filter((key) => !key.inList);
    // A section (server:, log:) is explained by the comments on its keys.
    const isSection = (key: string[]) => settings.some((other) => other.path.length > key.length && key.every((k, i) => other.path[i] === k));
    for (const key of settings.map((k) => k.path).filter((k) => !isSection(k))) {
      let at = -1;
      key.forEach((name, depth) => {
        at = lines.findIndex((line, i) => i > at && new RegExp(`^${depth === 0 ? '' : '\\s+'}${name}:`).test(line));
      });
      expect(at, `${key.join('.')} is in the example`).toBeGreaterThan(0);
      const explained = /\s#\s/.test(lines[at]!) || /^\s*#/.test(lines[at - 1]!);
      expect(explained, `${key.join('.')} has a comment above or beside it`).toBe(true);
    }
  });
});
