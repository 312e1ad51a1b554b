/**
 * Core User attributes accepted but not stored: IdPs send them, and provisioning must not fail over one the
 * workspace doesn't use. Left out of /Schemas, which lists only what a GET returns. (`password` is removed at the
 * edge before anything could log it.) Lower-cased.
 */
export const UNSTORED_USER_ATTRIBUTES: ReadonlySet<string> = new Set(['ims', 'photos', 'entitlements', 'x509certificates']);
