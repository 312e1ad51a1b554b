/** The fake Microsoft Graph: start a FakeGraph, seed its directory, point an Entra connector at `origin`. */
export { FakeGraph, DEFAULT_PERMISSIONS, type FakeGraphOptions, type LoggedRequest } from './graph-server.js';
export { GraphDirectory, DEFAULT_ACCESS_ROLE_ID, type GraphUser, type GraphUserInput, type AppRole, type AppRoleAssignment } from './graph-directory.js';
export type { FaultSpec, FaultStatus } from './graph-faults.js';
export { certificateThumbprints, JWT_BEARER, type FederatedCredential, type ManagedIdentityHost, type RegisteredClient } from './token-endpoint.js';
