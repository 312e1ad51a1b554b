import { validate as validCron } from 'node-cron';
import { z } from 'zod';
import { connectorKinds, isConnectorKind, unknownConnectorKind } from '../connector/connector-kinds.js';
import { WORKSPACE_ID_PATTERN } from '../model/workspace.js';
import { DEFAULT_SCIM_BUDGETS, type ScimBudgets } from '../scim/scim-budgets.js';
import { parseFullSchedule } from './full-schedule.js';

/** Relative to the working directory. */
export const DEFAULT_DATABASE = 'sqlite:./data/rosterd.db';

// rosterd.yaml, validated. Every key is explained in config/rosterd.example.yaml.
const mountSchema = z
  .object({
    path: z.string().regex(/^\/[A-Za-z0-9/_-]*[A-Za-z0-9_-]$/, 'must start with / and not end with /'),
    workspace: z.string().regex(WORKSPACE_ID_PATTERN, 'must be a workspace id'),
  })
  .strict();

const kindSchema = z
  .string({ error: () => `must be a connector kind; known: ${connectorKinds().join(', ')}` })
  .refine(isConnectorKind, { error: (issue) => unknownConnectorKind(String(issue.input)) });

/** `settings` are validated by the connector kind's own schema when the binding is used. */
const bindingSchema = z
  .object({
    workspace: z.string().regex(WORKSPACE_ID_PATTERN, 'must be a workspace id'),
    kind: kindSchema,
    /** Names the binding in runs, plans, logs and the members it manages; default: the kind. */
    name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'must be lower-case letters, digits, - and _').optional(),
    schedule: z.string().refine((expr) => validCron(expr), 'must be a cron expression such as "*/5 * * * *"').default('*/10 * * * *'),
    /** When a cycle reads the whole IdP instead of its delta: an interval since the last full read, or a cron expression. */
    fullSchedule: z.string().refine((text) => parseFullSchedule(text) !== null, 'must be an interval such as "24h" or "30m" (at least a minute), or a cron expression such as "0 3 * * *"').optional(),
    settings: z.record(z.string(), z.unknown()),
  })
  .strict();

export type ConnectorBinding = z.infer<typeof bindingSchema>;

/** Unique per workspace. */
export const bindingName = (binding: Pick<ConnectorBinding, 'name' | 'kind'>): string => binding.name ?? binding.kind;

/**
 * With a worker per core, V8's parallel GC helpers find no idle core and scavenges stall waiting for them; one GC
 * thread and a small young generation shorten the latency tail (bench/FINDINGS.md).
 */
export const DEFAULT_WORKER_V8_FLAGS = ['--single-threaded-gc', '--max-semi-space-size=2'] as const;

/** Trades a little pull-cycle time for a much lower peak RSS. */
export const DEFAULT_HEAP_GROWTH_PERCENT = 50;

const DEFAULT_EVENT_RETENTION_DAYS = 30;

/** Long enough that a slow database round trip never loses a lease, short enough for a quick takeover. */
export const DEFAULT_LEASE_TTL_SECONDS = 60;

/** Leaves room for the abort plus margin inside Kubernetes' default 30 s termination grace. */
export const DEFAULT_SHUTDOWN_GRACE_SECONDS = 20;

/** Upper limits where more would exceed SQLite's caps on expression depth and parameter count. */
const BUDGET_CEILINGS: Partial<Record<keyof ScimBudgets, number>> = { filterDepth: 100, filterTerms: 10_000 };

/** Positive integers (the queue may be 0: nobody waits); never partial after parsing. */
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
        /** The URL IdPs reach rosterd at (behind a proxy). */
        publicUrl: z.url().optional(),
        bodyLimit: z.number().int().positive().default(8 * 1024 * 1024),
        trustProxy: z.boolean().default(false),
        /** HTTP worker processes (Node cluster) or "auto" for one per core; reads scale, writes still serialize. */
        workers: z.union([z.number().int().min(1).max(64), z.literal('auto')]).default(1),
        /**
         /** V8 flags for cluster HTTP workers only, not the one running pull schedules; [] keeps V8's defaults. */
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
        /** Limits per SCIM request; a request over one is refused with a SCIM error naming it. */
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
        /** Cap on old-generation growth during a pull cycle, in % over the last GC's live set; 0 = V8's heuristics. */
        heapGrowthPercent: z.number().int().min(0).max(1000).default(DEFAULT_HEAP_GROWTH_PERCENT),
      })
      .strict()
      .default({ heapGrowthPercent: DEFAULT_HEAP_GROWTH_PERCENT }),
    daemon: z
      .object({
        /** Lease on a binding's schedule, renewed every third; instances' clocks must agree to well under it. */
        leaseTtlSeconds: z.number().int().min(2).max(3600).default(DEFAULT_LEASE_TTL_SECONDS),
        /** At SIGTERM, how long a pull cycle may continue before abort; keep grace + 10 s inside the supervisor's kill timeout. */
        shutdownGraceSeconds: z.number().int().min(0).max(3600).default(DEFAULT_SHUTDOWN_GRACE_SECONDS),
      })
      .strict()
      .default({ leaseTtlSeconds: DEFAULT_LEASE_TTL_SECONDS, shutdownGraceSeconds: DEFAULT_SHUTDOWN_GRACE_SECONDS }),
    events: z
      .object({
        /** The event log feeds the app API and webhooks. Off, changes still apply but nothing is logged. */
        enabled: z.boolean().default(true),
        retentionDays: z.number().int().min(1).max(3650).default(DEFAULT_EVENT_RETENTION_DAYS),
      })
      .strict()
      .default({ enabled: true, retentionDays: DEFAULT_EVENT_RETENTION_DAYS }),
    webhooks: z
      .object({
        /** Allow http:// and private, loopback or link-local hosts: local development only. */
        allowInsecureUrls: z.boolean().default(false),
        timeoutSeconds: z.number().int().min(1).max(300).default(10),
        /** Delay before the first retry; each further failure waits ×6, with jitter. */
        retryInitialSeconds: z.number().int().min(1).max(3600).default(5),
        /** Longest wait between attempts (a Retry-After may ask for more). */
        retryMaxSeconds: z.number().int().min(1).max(86_400).default(3600),
        /** After this long an endpoint is marked failing until `rosterd webhook enable`. */
        retryWindowHours: z.number().int().min(1).max(720).default(72),
        /** Across all endpoints; each endpoint has at most one in flight. */
        concurrency: z.number().int().min(1).max(1000).default(32),
        historyDays: z.number().int().min(1).max(3650).default(30),
      })
      .strict()
      .default({ allowInsecureUrls: false, timeoutSeconds: 10, retryInitialSeconds: 5, retryMaxSeconds: 3600, retryWindowHours: 72, concurrency: 32, historyDays: 30 }),
    console: z
      .object({
        /** Serve the web console at /console; only admin keys sign in. */
        enabled: z.boolean().default(true),
      })
      .strict()
      .default({ enabled: true }),
    bootstrap: z
      .object({
        /** On first start (no workspaces yet) create this V2 workspace and print its URL and a key once. */
        workspace: z.string().regex(WORKSPACE_ID_PATTERN).nullable().default('demo'),
      })
      .strict()
      .default({ workspace: 'demo' }),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
