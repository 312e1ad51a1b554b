import { createHash, generateKeyPairSync, randomBytes, sign, X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A self-signed certificate for the fake Graph's HTTPS listener(the Graph SDK sends the token and
 * follows nextLinks only over https). Built in pure Node (a minimal DER encoder and an EC P-256 key) so the
 * tests need no openssl binary. The certificate is its own CA (basicConstraints CA:TRUE), valid for
 * IP 127.0.0.1 and DNS localhost, so a process started with NODE_EXTRA_CA_CERTS=<certFile> trusts it.
 */
export interface SelfSignedCert {
  cert: string;
  key: string;
  /** Directory holding cert.pem and key.pem. */
  dir: string;
  certFile: string;
  keyFile: string;
}

/** Where fake-graph-tls-setup.ts leaves the run's certificate for the test workers. */
export const FAKE_TLS_DIR_ENV = 'ROSTERD_FAKE_TLS_DIR';

/** The run's shared certificate when one was set up (so in-process clients trust it), else a fresh one. */
export function fakeGraphCert(): SelfSignedCert {
  const dir = process.env[FAKE_TLS_DIR_ENV];
  if (dir && existsSync(join(dir, 'cert.pem')) && existsSync(join(dir, 'key.pem'))) return readCert(dir);
  return writeSelfSignedCert(mkdtempSync(join(tmpdir(), 'rosterd-fake-tls-')));
}

export function readCert(dir: string): SelfSignedCert {
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  return { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8'), dir, certFile, keyFile };
}

export function writeSelfSignedCert(dir: string): SelfSignedCert {
  const { cert, key } = createSelfSignedCert();
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  writeFileSync(certFile, cert);
  writeFileSync(keyFile, key, { mode: 0o600 });
  return { cert, key, dir, certFile, keyFile };
}

/**
 * `keyType: 'rsa'` makes a 2048-bit RSA certificate (sha256WithRSAEncryption), the kind an app registration
 * takes as a client credential: MSAL signs its client assertion with RS256/PS256, which an EC key cannot do.
 */
export function createSelfSignedCert(commonName = 'rosterd fake graph', options: { keyType?: 'ec' | 'rsa' } = {}): { cert: string; key: string } {
  const { publicKey, privateKey } =
    options.keyType === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  // The signature algorithm: sha256WithRSAEncryption (with its NULL parameters) or ecdsa-with-SHA256.
  const signatureAlgorithm = options.keyType === 'rsa' ? seq(oid('1.2.840.113549.1.1.11'), tlv(0x05, Buffer.alloc(0))) : seq(oid('1.2.840.10045.4.3.2'));
  const name = seq(set(seq(oid('2.5.4.3'), tlv(0x0c, Buffer.from(commonName, 'utf8')))));
  const now = Date.now();
  // A positive serial in minimal DER: the first byte neither has its top bit set (a sign) nor is zero (padding).
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x01;
  const extensions = seq(
    // basicConstraints, critical, CA:TRUE: the certificate is the trust anchor for itself.
    seq(oid('2.5.29.19'), tlv(0x01, Buffer.from([0xff])), octets(seq(tlv(0x01, Buffer.from([0xff]))))),
    // subjectAltName: DNS localhost, IP 127.0.0.1 (Node checks the SAN, not the CN).
    seq(oid('2.5.29.17'), octets(seq(tlv(0x82, Buffer.from('localhost')), tlv(0x87, Buffer.from([127, 0, 0, 1]))))),
    // subjectKeyIdentifier, which OpenSSL uses to match issuer and subject.
    seq(oid('2.5.29.14'), octets(octets(createHash('sha1').update(spki).digest()))),
  );
  const tbs = seq(
    tlv(0xa0, integer(Buffer.from([2]))),
    integer(serial),
    signatureAlgorithm,
    name,
    seq(utcTime(new Date(now - 60 * 60 * 1000)), utcTime(new Date(now + 30 * 24 * 60 * 60 * 1000))),
    name,
    spki,
    tlv(0xa3, extensions),
  );
  const signature = sign('sha256', tbs, privateKey);
  const der = seq(tbs, signatureAlgorithm, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const cert = `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n').trimEnd()}\n-----END CERTIFICATE-----\n`;
  // Fail here, not in a TLS handshake, if the encoding is ever wrong.
  const parsed = new X509Certificate(cert);
  if (!parsed.verify(publicKey) || parsed.checkIP('127.0.0.1') === undefined) throw new Error('self-signed certificate did not verify');
  return { cert, key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

function tlv(tag: number, content: Buffer): Buffer {
  const n = content.length;
  let length: Buffer;
  if (n < 0x80) length = Buffer.from([n]);
  else {
    const bytes: number[] = [];
    for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
    length = Buffer.from([0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([Buffer.from([tag]), length, content]);
}

const seq = (...items: Buffer[]): Buffer => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]): Buffer => tlv(0x31, Buffer.concat(items));
const octets = (content: Buffer): Buffer => tlv(0x04, content);

function integer(bytes: Buffer): Buffer {
  return tlv(0x02, bytes[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
}

function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number);
  const out = [40 * parts[0]! + parts[1]!];
  for (const part of parts.slice(2)) {
    const chunk = [part & 0x7f];
    for (let v = part >> 7; v > 0; v >>= 7) chunk.unshift(0x80 | (v & 0x7f));
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

function utcTime(date: Date): Buffer {
  const iso = date.toISOString();
  const text = iso.slice(2, 4) + iso.slice(5, 7) + iso.slice(8, 10) + iso.slice(11, 13) + iso.slice(14, 16) + iso.slice(17, 19) + 'Z';
  return tlv(0x17, Buffer.from(text, 'ascii'));
}
