/**
 * Core User attributes of RFC 7643 §4.1 that rosterd accepts and does not store. IdPs send them (Entra maps
 * entitlements and photos when an admin adds them), and a provisioning run must not fail over an attribute the
 * workspace has no use for, so they are dropped rather than refused. They are left out of /Schemas, which lists
 * only what a GET gives back. `password` is not stored either, but it never gets this far: the edge removes it from
 * every request before anything could log it (compat/okta.ts `stripPassword`, `dropPasswordOp`). Lower-cased:
 * attribute names are case-insensitive.
 */
export const UNSTORED_USER_ATTRIBUTES: ReadonlySet<string> = new Set(['ims', 'photos', 'entitlements', 'x509certificates']);
