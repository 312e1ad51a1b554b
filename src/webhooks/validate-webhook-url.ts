import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';
import { RosterdError } from '../error/rosterd-error.js';

/** Unreachable unless insecure URLs are allowed: the machine itself and its networks. */
const INTERNAL_RANGES = new Set([
  'unspecified',
  'broadcast',
  'multicast',
  'linkLocal',
  'loopback',
  'private',
  'uniqueLocal',
  'carrierGradeNat',
  'reserved',
  'deprecatedSiteLocal',
]);

export type ResolveHost = (host: string) => Promise<string[]>;

const resolveWithDns: ResolveHost = async (host) => (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);

export interface UrlRules {
  /** For local development. */
  allowInsecure: boolean;
  resolve?: ResolveHost;
}

export function internalRange(address: string): string | null {
  if (!ipaddr.isValid(address)) return null;
  // IPv4-mapped IPv6 (::ffff:10.0.0.1) is judged as the IPv4 address it carries.
  const range = ipaddr.process(address).range();
  return INTERNAL_RANGES.has(range) ? range : null;
}

/** Refuses non-https URLs, credentials, and hosts resolving to internal addresses (no way into the gateway's network). */
export async function validateWebhookUrl(text: string, rules: UrlRules): Promise<string> {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new RosterdError('ROSTERD_E_USAGE', `--url: "${text}" is not a URL; give one such as https://app.example.com/hooks/rosterd`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && rules.allowInsecure)) {
    const hint = url.protocol === 'http:' ? '; http:// is allowed only with webhooks.allowInsecureUrls: true (local development)' : '';
    throw new RosterdError('ROSTERD_E_USAGE', `--url: ${url.protocol}// is not allowed, webhooks are sent over https://${hint}`);
  }
  if (url.username || url.password) throw new RosterdError('ROSTERD_E_USAGE', '--url: a webhook URL may not carry a user name or password; receivers verify the signature instead');
  if (url.hash) throw new RosterdError('ROSTERD_E_USAGE', '--url: a webhook URL may not have a #fragment');
  if (rules.allowInsecure) return url.toString();
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses: string[];
  try {
    addresses = ipaddr.isValid(host) ? [host] : await (rules.resolve ?? resolveWithDns)(host);
  } catch (error) {
    throw new RosterdError('ROSTERD_E_USAGE', `--url: cannot resolve host "${host}": ${(error as Error).message}`);
  }
  if (addresses.length === 0) throw new RosterdError('ROSTERD_E_USAGE', `--url: host "${host}" has no address`);
  for (const address of addresses) {
    const range = internalRange(address);
    if (range) {
      throw new RosterdError(
        'ROSTERD_E_USAGE',
        `--url: host "${host}" resolves to ${address}, a ${range} address; webhooks go to public hosts only (webhooks.allowInsecureUrls: true allows internal ones, for local development)`,
      );
    }
  }
  return url.toString();
}
