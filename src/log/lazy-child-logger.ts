import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions } from 'pino';

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

const write = (logger: FastifyBaseLogger, level: Level, args: unknown[]): void => {
  (logger[level] as (...a: unknown[]) => void).apply(logger, args);
};

/**
 * Fastify gives every request a child logger carrying its request id, and pino serialises the bindings when a
 * child is made: a few percent of a SCIM read's CPU, for a logger most requests never write to. This logger
 * makes the real child the first time it is used, so log lines are exactly what the eager child would write.
 * Methods live on the prototype: a logger per request must cost one small object, not one closure per level.
 */
class LazyChildLogger {
  #child: FastifyBaseLogger | undefined;

  constructor(
    /** A real logger, or a lazy one whose real child this one's is made from. */
    private readonly parent: FastifyBaseLogger | LazyChildLogger,
    private readonly bindings: Bindings,
    private readonly options: ChildLoggerOptions,
  ) {}

  private get real(): FastifyBaseLogger {
    if (!this.#child) {
      const parent = this.parent instanceof LazyChildLogger ? this.parent.real : this.parent;
      this.#child = parent.child(this.bindings, this.options);
    }
    return this.#child;
  }

  get level(): string {
    return this.real.level;
  }

  set level(level: string) {
    this.real.level = level;
  }

  fatal(...args: unknown[]): void {
    write(this.real, 'fatal', args);
  }
  error(...args: unknown[]): void {
    write(this.real, 'error', args);
  }
  warn(...args: unknown[]): void {
    write(this.real, 'warn', args);
  }
  info(...args: unknown[]): void {
    write(this.real, 'info', args);
  }
  debug(...args: unknown[]): void {
    write(this.real, 'debug', args);
  }
  trace(...args: unknown[]): void {
    write(this.real, 'trace', args);
  }
  silent(...args: unknown[]): void {
    write(this.real, 'silent', args);
  }
  /** Lazy too: a child taken per request (say, with the workspace id) costs nothing until it writes. */
  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return new LazyChildLogger(this, bindings, options ?? {}) as unknown as FastifyBaseLogger;
  }
}

/** Fastify's `childLoggerFactory`: a request logger whose pino child is made on first use. */
export function lazyChildLogger(parent: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger {
  return new LazyChildLogger(parent, bindings, options) as unknown as FastifyBaseLogger;
}
