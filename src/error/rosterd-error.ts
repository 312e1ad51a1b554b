/**
 * Every non-SCIM failure is a RosterdError with a stable code, an actionable message and a CLI exit code.
 * README.md lists the same codes; a unit test keeps the two in step.
 */
export const ERROR_CATALOGUE = {
  ROSTERD_E_USAGE: { exitCode: 1, summary: 'A command-line argument or option is missing or wrong.' },
  ROSTERD_E_CONFIG: { exitCode: 1, summary: 'The configuration file or an environment variable has a wrong key or value.' },
  ROSTERD_E_DATABASE: { exitCode: 1, summary: 'The database cannot be opened, reached or migrated, or another process held its write lock too long.' },
  ROSTERD_E_NOT_FOUND: { exitCode: 1, summary: 'The named workspace, API key or member does not exist.' },
  ROSTERD_E_CONFLICT: { exitCode: 1, summary: 'The thing to create already exists (a workspace id, a key name).' },
  ROSTERD_E_PRESET: { exitCode: 1, summary: 'The named workspace preset does not exist or is invalid.' },
  ROSTERD_E_CONNECTOR: { exitCode: 1, summary: 'A pull connector cannot read its IdP (credentials, permissions, reachability); the message names what to check.' },
  ROSTERD_E_LISTEN: { exitCode: 1, summary: 'The gateway cannot listen on the configured host and port.' },
  ROSTERD_E_PLAN: { exitCode: 1, summary: 'A saved plan cannot be applied: it does not exist, was already decided, or its basis is stale (re-run reconcile).' },
  ROSTERD_E_REFUSED: { exitCode: 3, summary: 'A safety rule refused the plan (the deletion budget); approve it with rosterd plan approve or --allow-deletes.' },
  ROSTERD_E_INTERNAL: { exitCode: 1, summary: 'An unexpected failure; the log has the details.' },
} as const;

export type RosterdErrorCode = keyof typeof ERROR_CATALOGUE;

export class RosterdError extends Error {
  readonly exitCode: number;

  constructor(
    readonly code: RosterdErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RosterdError';
    this.exitCode = ERROR_CATALOGUE[code].exitCode;
  }
}
