/**
 * The app API's error codes, each with its status. README's "Your app" section lists the same: an app branches on
 * `code`, a person reads `detail`.
 */
export const APP_ERROR_CODES = {
  invalid_request: 400,
  invalid_cursor: 400,
  invalid_after: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  cursor_expired: 410,
  busy: 429,
  query_timeout: 503,
  internal: 500,
} as const;

export type AppErrorCode = keyof typeof APP_ERROR_CODES;

export interface AppErrorBody {
  error: { status: number; code: AppErrorCode; detail: string };
}

/** The one error the app API throws; the plugin's error handler renders it as `{ "error": { status, code, detail } }`. */
export class AppApiError extends Error {
  readonly status: number;

  constructor(
    readonly code: AppErrorCode,
    readonly detail: string,
  ) {
    super(detail);
    this.name = 'AppApiError';
    this.status = APP_ERROR_CODES[code];
  }

  toBody(): AppErrorBody {
    return { error: { status: this.status, code: this.code, detail: this.detail } };
  }
}
