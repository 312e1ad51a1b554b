import { validate as validCron } from 'node-cron';
import { z } from 'zod';
import { connectorKinds, isConnectorKind, unknownConnectorKind } from '../connector/connector-kinds.js';
import { WORKSPACE_ID_PATTERN } from '../model/workspace.js';
import { DEFAULT_SCIM_BUDGETS, type ScimBudgets } from '../scim/scim-budgets.js';
import { parseFullSchedule } from './full-schedule.js';

// rosterd.yaml. Every key is explained in config/rosterd.example.yaml.

/** Relative to the working directory. */
export const DEFAULT_DATABASE = 'sqlite:./data/rosterd.db';

const mountSchema = z
  .object({
    path: z.string().regex(/^\/[A-Za-z0-9/_-]*[A-Za-z0-9_-]$/, 'must start with / and not end with /'),
    workspace: z.string().regex(WORKSPACE_ID_PATTERN, 'must be a workspace id'),
  })
  .strict();

const kindSchema = z
  .string({ error: () => `must be a connector kind; known: ${connectorKinds().join(', ')}` })
  .refine(isConnectorKind, { error: (issue) => unknownConnectorKind(String(issue.input)) });

/** `settings` are validated by the kind's own schema when used. */
const bindingSchema = z
  .object({
    workspace: z.string().regex(WORKSPACE_ID_PATTERN, 'must be a workspace id'),
    kind: kindSchema,
    /** Default: the kind. */
    name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'must be lower-case letters, digits, - and _').optional(),
    schedule: z.string().refine((expr) => validCron(expr), 'must be a cron expression such as "*/5 * * * *"').default('*/10 * * * *'),
    /** When a cycle reads the whole IdP instead of its delta. */
    fullSchedule: z.string().refine((text) => parseFullSchedule(text) !== null, 'must be an interval such as "24h" or "30m" (at least a minute), or a cron expression such as "0 3 * * *"').optional(),
    settings: z.record(z.string(), z.unknown()),
  })
  .strict();

export type ConnectorBinding = z.infer<typeof bindingSchema>;

/** Unique per workspace. */
export const bindingName = (binding: Pick<ConnectorBinding, 'name' | 'kind'>): string => binding.name ?? binding.kind;

/** With a worker per core, parallel GC helpers find no idle core and scavenges stall. */
export const DEFAULT_WORKER_V8_FLAGS = ['--single-threaded-gc', '--max-semi-space-size=2'] as const;

/** A little pull-cycle time for a much lower peak RSS. */
export const DEFAULT_HEAP_GROWTH_PERCENT = 50;

const DEFAULT_EVENT_RETENTION_DAYS = 30;

/** A slow round trip never loses a lease; a takeover is still quick. */
export const DEFAULT_LEASE_TTL_SECONDS = 60;

/** Leaves room for the abort inside Kubernetes' default 30 s grace. */
export const DEFAULT_SHUTDOWN_GRACE_SECONDS = 20;

/** SQLite caps expression depth and parameter count. */
const BUDGET_CEILINGS: Partial<Record<keyof ScimBudgets, number>> = { filterDepth: 100, filterTerms: 10_000 };

/** The queue may be 0: nobody waits. */
const budgetsSchema = z
  .object(
    Object.fromEntries(
      Object.entries(DEFAULT_SCIM_BUDGETS).map(([name, value]) => {
        const budget = z.number().int().min(name === 'heavyRequestQueue' ? 0 : 1);
        const ceiling = BUDGET_CEILINGS[name as keyof ScimBudgets];
        return [name, (ceiling === undefined ? budget : budget.max(ceiling)).default(value)];
      }),
    ) as {
      [K in keyof ScimBudgets]: z.ZodDefault<z.ZodNumber>;
    },
  )
  .strict()
  .default({ ...DEFAULT_SCIM_BUDGETS });

export const configSchema = z
  .object({
    server: z
      .object({
        host: z.string().min(1).default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(8080),
        /** Where IdPs reach rosterd, behind a proxy. */
        publicUrl: z.url().optional(),
        bodyLimit: z.number().int().positive().default(8 * 1024 * 1024),
        trustProxy: z.boolean().default(false),
        /** "auto": one per core. Reads scale; writes still serialize. */
        workers: z.union([z.number().int().min(1).max(64), z.literal('auto')]).default(1),
        /** HTTP workers only, not the one running pull schedules. */
        workerV8Flags: z.array(z.string().regex(/^--[a-z0-9-]+(=[A-Za-z0-9._-]+)?$/, 'must be a V8 flag such as --max-semi-space-size=2')).default([...DEFAULT_WORKER_V8_FLAGS]),
      })
      .strict()
      .default({ host: '127.0.0.1', port: 8080, bodyLimit: 8 * 1024 * 1024, trustProxy: false, workers: 1, workerV8Flags: [...DEFAULT_WORKER_V8_FLAGS] }),
    database: z
      .string()
      .refine((v) => v.startsWith('sqlite:') || v.startsWith('postgres://') || v.startsWith('postgresql://'), 'must be sqlite:<path> or a postgres:// URL')
      .default(DEFAULT_DATABASE),
    log: z
      .object({
        level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
        requests: z.boolean().default(true),
      })
      .strict()
      .default({ level: 'info', requests: true }),
    scim: z
      .object({
        defaultCount: z.number().int().min(0).default(100),
        maxCount: z.number().int().min(1).default(1000),
        mounts: z.array(mountSchema).default([]),
        budgets: budgetsSchema,
      })
      .strict()
      .default({ defaultCount: 100, maxCount: 1000, mounts: [], budgets: { ...DEFAULT_SCIM_BUDGETS } }),
    connectors: z
      .array(bindingSchema)
      .default([])
      .superRefine((bindings, ctx) => {
        const seen = new Set<string>();
        bindings.forEach((binding, index) => {
          const key = `${binding.workspace}/${bindingName(binding)}`;
          if (seen.has(key)) ctx.addIssue({ code: 'custom', path: [index, 'name'], message: `another binding of workspace "${binding.workspace}" is already named "${bindingName(binding)}"; give each a distinct name` });
          seen.add(key);
        });
      }),
    reconcile: z
      .object({
        /** % over the last live set; 0 = V8's own. */
        heapGrowthPercent: z.number().int().min(0).max(1000).default(DEFAULT_HEAP_GROWTH_PERCENT),
      })
      .strict()
      .default({ heapGrowthPercent: DEFAULT_HEAP_GROWTH_PERCENT }),
    daemon: z
      .object({
        /** Renewed every third; instances' clocks must agree to well under it. */
        leaseTtlSeconds: z.number().int().min(2).max(3600).default(DEFAULT_LEASE_TTL_SECONDS),
        /** Keep grace + 10 s inside the supervisor's kill timeout. */
        shutdownGraceSeconds: z.number().int().min(0).max(3600).default(DEFAULT_SHUTDOWN_GRACE_SECONDS),
      })
      .strict()
      .default({ leaseTtlSeconds: DEFAULT_LEASE_TTL_SECONDS, shutdownGraceSeconds: DEFAULT_SHUTDOWN_GRACE_SECONDS }),
    events: z
      .object({
        /** Feeds the app API and webhooks; off, changes still apply. */
        enabled: z.boolean().default(true),
        retentionDays: z.number().int().min(1).max(3650).default(DEFAULT_EVENT_RETENTION_DAYS),
      })
      .strict()
      .default({ enabled: true, retentionDays: DEFAULT_EVENT_RETENTION_DAYS }),
    webhooks: z
      .object({
        /** Local development only: http:// and private hosts. */
        allowInsecureUrls: z.boolean().default(false),
        timeoutSeconds: z.number().int().min(1).max(300).default(10),
        /** Each further failure waits ×6, with jitter. */
        retryInitialSeconds: z.number().int().min(1).max(3600).default(5),
        /** A Retry-After may ask for more. */
        retryMaxSeconds: z.number().int().min(1).max(86_400).default(3600),
        /** Then failing until `rosterd webhook enable`. */
        retryWindowHours: z.number().int().min(1).max(720).default(72),
        /** Each endpoint has at most one in flight. */
        concurrency: z.number().int().min(1).max(1000).default(32),
        historyDays: z.number().int().min(1).max(3650).default(30),
      })
      .strict()
      .default({ allowInsecureUrls: false, timeoutSeconds: 10, retryInitialSeconds: 5, retryMaxSeconds: 3600, retryWindowHours: 72, concurrency: 32, historyDays: 30 }),
    console: z
      .object({
        /** Only admin keys sign in. */
        enabled: z.boolean().default(true),
      })
      .strict()
      .default({ enabled: true }),
    bootstrap: z
      .object({
        /** Created on first start, its URL and a key printed once. */
        workspace: z.string().regex(WORKSPACE_ID_PATTERN).nullable().default('demo'),
      })
      .strict()
      .default({ workspace: 'demo' }),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
