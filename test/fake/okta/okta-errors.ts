import { randomBytes } from 'node:crypto';

/**
 * Okta's error body. The SDK turns a JSON body into OktaApiError with these fields;
 * a non-JSON body would become a bare HttpError, so every error the fake sends goes through here.
 */
export interface OktaErrorBody {
  errorCode: string;
  errorSummary: string;
  errorLink: string;
  errorId: string;
  errorCauses: { errorSummary: string }[];
}

export class FakeOktaError extends Error {
  constructor(
    readonly status: number,
    readonly body: OktaErrorBody,
  ) {
    super(`${status} ${body.errorCode} ${body.errorSummary}`);
  }
}

export function errorBody(errorCode: string, errorSummary: string, causes: string[] = []): OktaErrorBody {
  return {
    errorCode,
    errorSummary,
    errorLink: errorCode,
    errorId: `oae${randomBytes(11).toString('base64url')}`,
    errorCauses: causes.map((c) => ({ errorSummary: c })),
  };
}

/** The catalogue entries the fake uses, with Okta's own summaries. */
export const oktaErrors = {
  notFound: (what: string) => new FakeOktaError(404, errorBody('E0000007', `Not found: Resource not found: ${what}`)),
  invalidToken: () => new FakeOktaError(401, errorBody('E0000011', 'Invalid token provided')),
  forbidden: () => new FakeOktaError(403, errorBody('E0000006', 'You do not have permission to perform the requested action')),
  rateLimited: () => new FakeOktaError(429, errorBody('E0000047', 'API call exceeded rate limit due to too many requests.')),
  validation: (cause: string) => new FakeOktaError(400, errorBody('E0000001', 'Api validation failed', [cause])),
  invalidParameter: (cause: string) => new FakeOktaError(400, errorBody('E0000053', `Invalid parameter: ${cause}`)),
  invalidSearch: (cause: string) => new FakeOktaError(400, errorBody('E0000031', 'Invalid search criteria.', [cause])),
  internal: () => new FakeOktaError(500, errorBody('E0000009', 'Internal Server Error')),
  unavailable: (status: number) => new FakeOktaError(status, errorBody('E0000010', 'Service is temporarily unavailable')),
};
