import { keyTokenFormat } from './key-token.js';

export { DECOY_HASH, hashSecret, secretMatches, type ParsedToken } from './key-token.js';

/** Workspace (SCIM) keys, the Secret Token or API Token an IdP sends: `rosterd_<keyId>_<secret>`. */
const scimKeys = keyTokenFormat('rosterd_');

export const generateApiKey = scimKeys.generate;
export const parseApiKey = scimKeys.parse;
