import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { RosterdError } from '../error/rosterd-error.js';
import { configSchema, type Config } from './config-schema.js';
import { markUnresolved } from './binding-secrets.js';
import { expandEnv } from './expand-env.js';
import { parseYaml } from './parse-yaml.js';

export interface LoadOptions {
  /** --config, else ROSTERD_CONFIG, else defaults only. */
  path?: string;
  env?: NodeJS.ProcessEnv;
}

export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => {
      const key = issue.path.join('.') || '(top level)';
      if (issue.code === 'unrecognized_keys') {
        const where = issue.path.length ? `${issue.path.join('.')}.` : '';
        return issue.keys.map((k) => `${where}${k}: unknown key`).join('; ');
      }
      return `${key}: ${issue.message}`;
    })
    .join('; ');
}

function applyEnv(raw: Record<string, unknown>, env: NodeJS.ProcessEnv): Record<string, unknown> {
  const out = { ...raw };
  const server = { ...((out.server as Record<string, unknown>) ?? {}) };
  if (env.ROSTERD_DATABASE) out.database = env.ROSTERD_DATABASE;
  if (env.ROSTERD_HOST) server.host = env.ROSTERD_HOST;
  if (env.ROSTERD_PORT) {
    const port = Number(env.ROSTERD_PORT);
    if (!Number.isInteger(port)) throw new RosterdError('ROSTERD_E_CONFIG', `ROSTERD_PORT: expected a port number, got "${env.ROSTERD_PORT}"`);
    server.port = port;
  }
  if (env.ROSTERD_PUBLIC_URL) server.publicUrl = env.ROSTERD_PUBLIC_URL;
  if (env.ROSTERD_WORKERS) {
    const workers = env.ROSTERD_WORKERS === 'auto' ? 'auto' : Number(env.ROSTERD_WORKERS);
    if (workers !== 'auto' && !Number.isInteger(workers)) throw new RosterdError('ROSTERD_E_CONFIG', `ROSTERD_WORKERS: expected a number of workers or "auto", got "${env.ROSTERD_WORKERS}"`);
    server.workers = workers;
  }
  if (Object.keys(server).length) out.server = server;
  if (env.ROSTERD_LOG_LEVEL) out.log = { ...((out.log as Record<string, unknown>) ?? {}), level: env.ROSTERD_LOG_LEVEL };
  return out;
}

export function loadConfig(options: LoadOptions = {}): Readonly<Config> {
  const env = options.env ?? process.env;
  const path = options.path ?? env.ROSTERD_CONFIG;
  let raw: unknown = {};
  if (path) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new RosterdError('ROSTERD_E_CONFIG', `cannot read config file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    try {
      raw = parseYaml(text) ?? {};
    } catch (error) {
      throw new RosterdError('ROSTERD_E_CONFIG', `config file ${path} is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
    }
    if (typeof raw !== 'object' || Array.isArray(raw)) throw new RosterdError('ROSTERD_E_CONFIG', `config file ${path} must be a YAML mapping`);
  }
  const { connectors, ...rest } = raw as Record<string, unknown>;
  const expanded = expandEnv(rest, env) as Record<string, unknown>;
  // Per binding: a missing secret fails only where that binding is used.
  const failures = new Map<number, RosterdError>();
  if (Array.isArray(connectors)) {
    expanded.connectors = connectors.map((binding: unknown, index) => {
      try {
        return expandEnv(binding, env, ['connectors', String(index)]);
      } catch (error) {
        if (!(error instanceof RosterdError)) throw error;
        failures.set(index, error);
        return binding;
      }
    });
  } else if (connectors !== undefined) {
    expanded.connectors = connectors;
  }
  const parsed = configSchema.safeParse(applyEnv(expanded, env));
  if (!parsed.success) {
    throw new RosterdError('ROSTERD_E_CONFIG', `${path ? `config file ${path}` : 'configuration'}: ${describeIssues(parsed.error.issues)}`);
  }
  for (const [index, error] of failures) markUnresolved(parsed.data.connectors[index]!, error);
  return deepFreeze(parsed.data);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
