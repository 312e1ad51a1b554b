import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FAKE_TLS_DIR_ENV, writeSelfSignedCert } from './self-signed-cert.js';

/**
 * Vitest globalSetup: make one self-signed certificate for the run and have every test worker trust it.
 * Node reads NODE_EXTRA_CA_CERTS only when a process starts, so it has to be set here, in the main process,
 * before the workers are forked (they inherit process.env). The fake Graph in a worker finds the key through
 * ROSTERD_FAKE_TLS_DIR. A user's own NODE_EXTRA_CA_CERTS is kept: the bundle holds both.
 */
export default function setup(): () => void {
  // Each vitest project runs its global setups; the first one's certificate serves them all, so that every worker
  // trusts exactly the certificate the fake Graph presents.
  if (process.env[FAKE_TLS_DIR_ENV]) return () => undefined;
  const dir = mkdtempSync(join(tmpdir(), 'rosterd-fake-tls-'));
  const { cert } = writeSelfSignedCert(dir);
  const previous = process.env.NODE_EXTRA_CA_CERTS;
  const bundle = join(dir, 'ca-bundle.pem');
  writeFileSync(bundle, (previous && existsSync(previous) ? readFileSync(previous, 'utf8') + '\n' : '') + cert);
  process.env.NODE_EXTRA_CA_CERTS = bundle;
  process.env[FAKE_TLS_DIR_ENV] = dir;
  return () => {
    rmSync(dir, { recursive: true, force: true });
    if (previous === undefined) delete process.env.NODE_EXTRA_CA_CERTS;
    else process.env.NODE_EXTRA_CA_CERTS = previous;
    delete process.env[FAKE_TLS_DIR_ENV];
  };
}
