import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions } from 'pino';

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

const write = (logger: FastifyBaseLogger, level: Level, args: unknown[]): void => {
  (logger[level] as (...a: unknown[]) => void).apply(logger, args);
};

/**
 * Makes its pino child on first use: making one serialises bindings, costly on SCIM reads that rarely log.
 * Methods sit on the prototype so a request costs one object.
 */
class LazyChildLogger {
  #child: FastifyBaseLogger | undefined;

  constructor(
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
  /** Lazy too. */
  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return new LazyChildLogger(this, bindings, options ?? {}) as unknown as FastifyBaseLogger;
  }
}

/** Fastify's `childLoggerFactory`. */
export function lazyChildLogger(parent: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger {
  return new LazyChildLogger(parent, bindings, options) as unknown as FastifyBaseLogger;
}
