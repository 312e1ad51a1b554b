/**
 * The fake Okta org for tests and benchmarks. Start a FakeOktaServer, fill `server.directory`, and point the Okta
 * connector (or any Okta client) at `server.origin` with `server.apiToken`. For bulk loads of 100,000 users set
 * `directory.recordEvents = false` first: the System Log is then not written, and loading takes about a second.
 */
export { FakeOktaServer, type FakeOktaOptions, type RequestRecord } from './okta-server.js';
export { OktaDirectory, oktaId, type FakeUser, type FakeGroup, type NewUser, type OktaUserStatus } from './okta-directory.js';
export { OKTA_READ_SCOPES, type ServiceAppRegistration } from './okta-auth.js';
export type { FaultSpec, OktaRoute } from './okta-faults.js';
