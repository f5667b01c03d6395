import { anonymizeIp, parseIp } from './ip.ts';
import { setOwn } from './own-property.ts';

/** Request headers that carry credentials: never stored. */
export const CREDENTIAL_HEADERS: ReadonlySet<string> = new Set([
  'cookie',
  'authorization',
  'proxy-authorization',
]);

/**
 * Request headers as stored: names trimmed and lower-cased, credentials dropped, repeated or
 * multi-valued headers joined with ", ". Takes a Fetch `Headers`, pairs, or Node's `IncomingHttpHeaders`.
 */
export function cleanHeaders(
  headers: Iterable<[string, string]> | Record<string, string | string[] | undefined>,
): Record<string, string> {
  // a plain object filled as it goes (this runs for every request; a Map and then an object cost twice as much)
  const out: Record<string, string> = {};
  const add = (rawName: string, value: string) => {
    const name = rawName.trim().toLowerCase();
    if (name === '' || CREDENTIAL_HEADERS.has(name)) return;
    const previous = Object.hasOwn(out, name) ? out[name] : undefined;
    const joined = previous === undefined ? value : `${previous}, ${value}`;
    setOwn(out, name, joined);
  };
  if (isIterable(headers)) {
    for (const [name, value] of headers) add(String(name), String(value));
  } else {
    for (const name of Object.keys(headers)) {
      const value = headers[name];
      if (value === undefined) continue;
      if (Array.isArray(value)) {
        if (value.length > 0) add(name, value.join(', '));
      } else {
        add(name, String(value));
      }
    }
  }
  return out;
}

function isIterable(value: object): value is Iterable<[string, string]> {
  return typeof (value as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function';
}

/** Headers whose value is a comma-separated list of client addresses. */
const ADDRESS_LIST_HEADERS = [
  'x-forwarded-for',
  'x-original-forwarded-for',
  'x-real-ip',
  'x-client-ip',
  'x-cluster-client-ip',
  'cf-connecting-ip',
  'true-client-ip',
  'fastly-client-ip',
];

/**
 * The headers with every client address anonymized (see `anonymizeIp`): the address-list headers
 * above, and the `for=` of RFC 7239 `Forwarded`. An entry that is not an IP address becomes `unknown`.
 */
export function anonymizeIpHeaders(headers: Record<string, string>): Record<string, string> {
  const out = { ...headers };
  for (const name of ADDRESS_LIST_HEADERS) {
    const value = out[name];
    if (value === undefined) continue;
    out[name] = value
      .split(',')
      .map((entry) => anonymizeIp(entry) ?? 'unknown')
      .join(', ');
  }
  const forwarded = out.forwarded;
  if (forwarded !== undefined) out.forwarded = anonymizeForwarded(forwarded);
  return out;
}

function anonymizeForwarded(value: string): string {
  return value.replace(/(\bfor\s*=\s*)("[^"]*"|[^;,\s]*)/gi, (_match, prefix: string, raw: string) => {
    const address = raw.replace(/^"(.*)"$/, '$1');
    const anonymized = anonymizeIp(address);
    if (anonymized === null) return `${prefix}unknown`;
    return parseIp(anonymized)?.kind === 'v6' ? `${prefix}"[${anonymized}]"` : `${prefix}${anonymized}`;
  });
}
