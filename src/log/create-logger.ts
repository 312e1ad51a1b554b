import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

/** Redacted wherever they appear. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'headers.authorization',
  'authorization',
  'token',
  'apiKey',
  'key',
  'secret',
  'password',
  'clientSecret',
  'apiToken',
  'privateKey',
  'accessToken',
  'access_token',
  '*.token',
  '*.apiToken',
  '*.privateKey',
  '*.accessToken',
  '*.access_token',
  '*.apiKey',
  '*.secret',
  '*.password',
  '*.clientSecret',
  '*.authorization',
];

export interface LoggerOptions {
  level?: string;
  /** Defaults to stdout. */
  destination?: pino.DestinationStream;
}

/** How long a request line may wait in the stdout buffer when traffic is low. */
const FLUSH_EVERY_MS = 200;

let bufferedStdout: pino.DestinationStream | undefined;

/**
 * Stdout written a few kilobytes at a time instead of one write per line: at a line per request, the write costs
 * more than building the line. Lines wait at most FLUSH_EVERY_MS and pino flushes the rest at exit; a process killed
 * outright loses what is waiting. Each write stays under a pipe's atomic size, so lines never interleave mid-line.
 */
function bufferedStdoutDestination(): pino.DestinationStream {
  if (!bufferedStdout) {
    const stream = pino.destination({ dest: 1, sync: false, minLength: 2048, maxWrite: 4096 });
    setInterval(() => stream.flush(), FLUSH_EVERY_MS).unref();
    bufferedStdout = stream;
  }
  return bufferedStdout;
}

/**
 * The logger of the one line per request (`log.requests`), to buffered stdout. Its lines carry known fields and no
 * secret, so it has no redaction pass. Every other line keeps writing at once: it may be the last before a crash.
 */
export function createRequestLogger(level: string): Logger {
  return pino({ level, base: { service: 'rosterd' }, timestamp: pino.stdTimeFunctions.isoTime }, bufferedStdoutDestination());
}

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { service: 'rosterd' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination,
  );
}
