import { keyTokenFormat } from './key-token.js';

/** Console keys: `rosterd_admin_<keyId>_<secret>`; they open only the console, and no other key opens it. */
const adminKeys = keyTokenFormat('rosterd_admin_');

export const generateAdminKey = adminKeys.generate;
export const parseAdminKey = adminKeys.parse;
