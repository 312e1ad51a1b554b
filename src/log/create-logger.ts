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
