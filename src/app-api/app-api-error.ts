/** README lists the same codes: apps branch on `code`, people read `detail`. */
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

/** Rendered as `{ "error": { status, code, detail } }`. */
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
