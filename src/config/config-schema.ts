import { validate as validCron } from 'node-cron';
import { z } from 'zod';
import { connectorKinds, isConnectorKind, unknownConnectorKind } from '../connector/connector-kinds.js';
import { WORKSPACE_ID_PATTERN } from '../model/workspace.js';
import { DEFAULT_SCIM_BUDGETS, type ScimBudgets } from '../scim/scim-budgets.js';
import { parseFullSchedule } from './full-schedule.js';

/** Where the gateway keeps its data when nothing is configured: relative to the directory it runs in. */
export const DEFAULT_DATABASE = 'sqlite:./data/rosterd.db';

/** rosterd.yaml, validated. Every key is explained in config/rosterd.example.yaml. */
const mountSchema = z
  .object({
    /** A fixed path such as /scim/v2, /api/v1/scim/v2 or /scim that serves one workspace. */
    path: z.string().regex(/^\/[A-Za-z0-9/_-]*[A-Za-z0-9_-]$/, 'must start with / and not end with /'),
    workspace: z.string().regex(WORKSPACE_ID_PATTERN, 'must be a workspace id'),
  })
  .strict();

/** A registered connector kind (src/connector/connector-kinds.ts), checked when the configuration is parsed. */
const kindSchema = z
  .string({ error: () => `must be a connector kind; known: ${connectorKinds().join(', ')}` })
  .refine(isConnectorKind, { error: (issue) => unknownConnectorKind(String(issue.input)) });

/**
 * A workspace bound to a pull connector. `settings` belong to the connector kind and are validated by its own
 * schema when the binding is used (src/connector/connector-registry.ts), so each kind owns its options.
 */
const bindingSchema = z
  .object({
    workspace: z.string().regex(WORKSPACE_ID_PATTERN, 'must be a workspace id'),
    kind: kindSchema,
    /** Names the binding in runs, plans, logs (`connector:<name>`) and the members it manages; default: the kind. */
    name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'must be lower-case letters, digits, - and _').optional(),
    /** node-cron expression (5 or 6 fields): when the daemon runs a pull cycle. */
    schedule: z.string().refine((expr) => validCron(expr), 'must be a cron expression such as "*/5 * * * *"').default('*/10 * * * *'),
    /**
     * When a cycle reads the whole IdP instead of the changes since its cursor: an interval since the last full read
     * ("24h", "6h", "30m") or a cron expression ("0 3 * * *"); default DEFAULT_FULL_SCHEDULE. A failed or incomplete
     * cycle makes the next one full too.
     */
    fullSchedule: z.string().refine((text) => parseFullSchedule(text) !== null, 'must be an interval such as "24h" or "30m" (at least a minute), or a cron expression such as "0 3 * * *"').optional(),
    settings: z.record(z.string(), z.unknown()),
  })
  .strict();

export type ConnectorBinding = z.infer<typeof bindingSchema>;

/** The binding's name: its own, else its kind. Unique per workspace. */
export const bindingName = (binding: Pick<ConnectorBinding, 'name' | 'kind'>): string => binding.name ?? binding.kind;

/**
 * See `server.workerV8Flags`. With one worker per core every core is busy serving, so V8's parallel GC helpers
 * find no idle core: a scavenge's main thread waited up to 20 ms for them. One thread and a 2 MB young
 * generation keep each scavenge to its own short work (the requests in flight). Paced 8,000 req/s p99: a
 * median of 12.5 ms → 7 ms over repeated runs (bench/README.md).
 */
export const DEFAULT_WORKER_V8_FLAGS = ['--single-threaded-gc', '--max-semi-space-size=2'] as const;

/** See `reconcile.heapGrowthPercent`: measured at +3% time for −40% peak RSS (bench/README.md). */
export const DEFAULT_HEAP_GROWTH_PERCENT = 50;

/** See `events.retentionDays`. */
const DEFAULT_EVENT_RETENTION_DAYS = 30;

/** See `daemon.leaseTtlSeconds`: long enough that a slow database round trip never loses a lease, short enough that a takeover is quick. */
export const DEFAULT_LEASE_TTL_SECONDS = 60;

/** See `daemon.shutdownGraceSeconds`: with the abort's 5 s and 5 s to spare, inside Kubernetes' default 30 s. */
export const DEFAULT_SHUTDOWN_GRACE_SECONDS = 20;

/**
 * The most a budget may be raised to, where more would break the databases themselves: a filter compiles to SQL
 * whose nesting and parameter count SQLite caps (1,000 levels, 32,766 parameters).
 */
const BUDGET_CEILINGS: Partial<Record<keyof ScimBudgets, number>> = { filterDepth: 100, filterTerms: 10_000 };

/**
 * Each budget a positive whole number (the queue may be 0: nobody waits), defaulting to DEFAULT_SCIM_BUDGETS; the
 * object is never partial after parsing.
 */
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
        /** The URL IdPs reach rosterd at (behind a proxy); used for printed base URLs and meta.location. */
        publicUrl: z.url().optional(),
        /** Largest request body in bytes; a larger one gets 413. */
        bodyLimit: z.number().int().positive().default(8 * 1024 * 1024),
        /** Trust X-Forwarded-* from a reverse proxy. */
        trustProxy: z.boolean().default(false),
        /**
         * HTTP worker processes sharing the port (Node's cluster), or "auto" for one per CPU core. One Node.js process
         * uses one core; SCIM reads scale with workers, writes still take turns on the database.
         */
        workers: z.union([z.number().int().min(1).max(64), z.literal('auto')]).default(1),
        /**
         * V8 flags for the HTTP workers of a cluster (workers > 1), not for a worker that runs pull schedules.
         * The default trades a little throughput for a shorter tail; [] keeps V8's defaults.
         */
        workerV8Flags: z.array(z.string().regex(/^--[a-z0-9-]+(=[A-Za-z0-9._-]+)?$/, 'must be a V8 flag such as --max-semi-space-size=2')).default([...DEFAULT_WORKER_V8_FLAGS]),
      })
      .strict()
      .default({ host: '127.0.0.1', port: 8080, bodyLimit: 8 * 1024 * 1024, trustProxy: false, workers: 1, workerV8Flags: [...DEFAULT_WORKER_V8_FLAGS] }),
    /** sqlite:<path> or a postgres:// URL. */
    database: z
      .string()
      .refine((v) => v.startsWith('sqlite:') || v.startsWith('postgres://') || v.startsWith('postgresql://'), 'must be sqlite:<path> or a postgres:// URL')
      .default(DEFAULT_DATABASE),
    log: z
      .object({
        level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
        /** One line per SCIM request (method, route, status, time). */
        requests: z.boolean().default(true),
      })
      .strict()
      .default({ level: 'info', requests: true }),
    scim: z
      .object({
        defaultCount: z.number().int().min(0).default(100),
        maxCount: z.number().int().min(1).default(1000),
        mounts: z.array(mountSchema).default([]),
        /** What one SCIM request may ask for (scim-budgets.ts); a request over one is refused with a SCIM error naming it. */
        budgets: budgetsSchema,
      })
      .strict()
      .default({ defaultCount: 100, maxCount: 1000, mounts: [], budgets: { ...DEFAULT_SCIM_BUDGETS } }),
    /** Pull connectors: which workspace reads which IdP, on what schedule, with what mapping. */
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
        /**
         * While a pull cycle runs, V8's old generation may grow by at most this % over the last full GC's live set
         * (0: V8's own heuristics, which allow up to 4×). Trades a little CPU for a much lower peak RSS.
         */
        heapGrowthPercent: z.number().int().min(0).max(1000).default(DEFAULT_HEAP_GROWTH_PERCENT),
      })
      .strict()
      .default({ heapGrowthPercent: DEFAULT_HEAP_GROWTH_PERCENT }),
    daemon: z
      .object({
        /**
         * How long an instance's hold on a binding's pull schedule lasts without renewal (renewed every third of it):
         * when an instance dies, another one takes its schedules over after at most this long. Instances' clocks
         * must agree to well under it.
         */
        leaseTtlSeconds: z.number().int().min(2).max(3600).default(DEFAULT_LEASE_TTL_SECONDS),
        /**
         * At SIGTERM, how long a running pull cycle may go on before it is aborted (it then stops between pages or
         * apply batches, or drops the IdP request in flight). Keep grace + 10 s inside the supervisor's own wait
         * before SIGKILL (by default 30 s for Kubernetes, 90 s for systemd, 10 s for docker stop).
         */
        shutdownGraceSeconds: z.number().int().min(0).max(3600).default(DEFAULT_SHUTDOWN_GRACE_SECONDS),
      })
      .strict()
      .default({ leaseTtlSeconds: DEFAULT_LEASE_TTL_SECONDS, shutdownGraceSeconds: DEFAULT_SHUTDOWN_GRACE_SECONDS }),
    events: z
      .object({
        /**
         * Write the event log (every applied change, numbered per workspace): the app API's feed and webhooks read
         * it. Off, changes are applied as before and nothing is logged for the app to follow.
         */
        enabled: z.boolean().default(true),
        /** Events older than this many days are pruned by the daemon (checked every hour). */
        retentionDays: z.number().int().min(1).max(3650).default(DEFAULT_EVENT_RETENTION_DAYS),
      })
      .strict()
      .default({ enabled: true, retentionDays: DEFAULT_EVENT_RETENTION_DAYS }),
    webhooks: z
      .object({
        /** Allow http:// URLs and hosts on private, loopback or link-local addresses: for local development only. */
        allowInsecureUrls: z.boolean().default(false),
        /** How long one delivery attempt may take, answer included. */
        timeoutSeconds: z.number().int().min(1).max(300).default(10),
        /** The wait before the first retry of an event; each further failure waits longer (×6), with jitter. */
        retryInitialSeconds: z.number().int().min(1).max(3600).default(5),
        /** The longest wait between two attempts (a Retry-After may ask for more). */
        retryMaxSeconds: z.number().int().min(1).max(86_400).default(3600),
        /** How long an event is retried before its endpoint is marked failing and waits for `rosterd webhook enable`. */
        retryWindowHours: z.number().int().min(1).max(720).default(72),
        /** Delivery requests in flight at once across all endpoints (each endpoint has at most one). */
        concurrency: z.number().int().min(1).max(1000).default(32),
        /** Delivery attempts older than this many days are pruned from the history (checked every hour). */
        historyDays: z.number().int().min(1).max(3650).default(30),
      })
      .strict()
      .default({ allowInsecureUrls: false, timeoutSeconds: 10, retryInitialSeconds: 5, retryMaxSeconds: 3600, retryWindowHours: 72, concurrency: 32, historyDays: 30 }),
    console: z
      .object({
        /**
         * Serve the web console at /console: workspaces and their health, members, logs, pull runs, plans to approve or
         * reject, provisioning on demand. Only admin keys (`rosterd admin-key create`) sign in.
         */
        enabled: z.boolean().default(true),
      })
      .strict()
      .default({ enabled: true }),
    bootstrap: z
      .object({
        /** On first start (no workspaces yet) create this V2 workspace and print its base URL and a key once. */
        workspace: z.string().regex(WORKSPACE_ID_PATTERN).nullable().default('demo'),
      })
      .strict()
      .default({ workspace: 'demo' }),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;
/** A config as written: every key with a default may be left out. */
export type ConfigInput = z.input<typeof configSchema>;
