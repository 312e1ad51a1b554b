import { keyTokenFormat } from './key-token.js';

/** App API keys, for the vendor's backend: `rosterd_app_<keyId>_<secret>`; SCIM and app keys never open each other's API. */
const appKeys = keyTokenFormat('rosterd_app_');

export const generateAppKey = appKeys.generate;
export const parseAppKey = appKeys.parse;
