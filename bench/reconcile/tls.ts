import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeSelfSignedCert } from '../../test/fake/graph/self-signed-cert.js';

/**
 * A per-run self-signed certificate for the fake Graph (cert.pem, key.pem in `certDir`) and a CA bundle that
 * trusts it, the user's own NODE_EXTRA_CA_CERTS kept. Clients get the bundle as NODE_EXTRA_CA_CERTS, which
 * Node reads only at start: one more reason for a client process of its own. (connector-snapshot.ts does the
 * same for its own run; its helper is not exported.)
 */
export interface FakeTls {
  certDir: string;
  bundle: string;
  cleanup(): void;
}

export function fakeTls(): FakeTls {
  const certDir = mkdtempSync(path.join(os.tmpdir(), 'rosterd-bench-tls-'));
  const cleanup = () => rmSync(certDir, { recursive: true, force: true });
  try {
    const { cert } = withRetries(() => writeSelfSignedCert(certDir));
    const previous = process.env.NODE_EXTRA_CA_CERTS;
    const bundle = path.join(certDir, 'ca-bundle.pem');
    writeFileSync(bundle, (previous && existsSync(previous) ? `${readFileSync(previous, 'utf8')}\n` : '') + cert);
    return { certDir, bundle, cleanup };
  } catch (error) {
    cleanup();
    throw error;
  }
}

/**
 * About 1 in 256 certificates from test/fake/graph/self-signed-cert.ts fails its own check ("illegal padding"):
 * a random serial whose first byte is 0 and second below 0x80 is not minimally DER-encoded. A new one does.
 */
function withRetries<T>(make: () => T, attempts = 5): T {
  for (let i = 1; ; i++) {
    try {
      return make();
    } catch (error) {
      if (i >= attempts) throw error;
    }
  }
}
