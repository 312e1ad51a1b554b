import { createLogger, type Logger } from '../../src/log/create-logger.js';

export interface ServerErrorLog {
  logger: Logger;
  /** The first line of the error the server logged for request `requestId`, if it logged one. */
  errorOf(requestId: string): string | undefined;
}

/** A logger that keeps the message of every error the server logs, by request id, so a 500 can be told apart. */
export function serverErrorLog(): ServerErrorLog {
  const errors = new Map<string, string>();
  const logger = createLogger({
    level: 'error',
    destination: {
      write(line: string) {
        const entry = JSON.parse(line) as { requestId?: string; err?: { type?: string; message?: string }; msg?: string };
        if (entry.requestId) errors.set(entry.requestId, `${entry.err?.type ?? 'Error'}: ${(entry.err?.message ?? entry.msg ?? '').split('\n')[0]!.slice(0, 200)}`);
      },
    },
  });
  return { logger, errorOf: (requestId) => errors.get(requestId) };
}
