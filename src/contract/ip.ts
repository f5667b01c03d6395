/**
 * IP addresses as stored in records: the first X-Forwarded-For address, and anonymization
 * (GA's `aip`: IPv4 keeps its first 24 bits, IPv6 its first 48).
 */

/** The first (client's) address of an X-Forwarded-For header, trimmed; null when there is none. */
export function firstForwardedFor(header: string | undefined): string | null {
  if (header === undefined) return null;
  const first = header.split(',')[0]?.trim() ?? '';
  return first === '' ? null : first;
}

/**
 * The address with its host part zeroed: IPv4 `a.b.c.0`; IPv6 with its last 80 bits zeroed, in
 * canonical compressed form (RFC 5952); an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) as IPv4.
 * Brackets, a port (`1.2.3.4:80`, `[::1]:80`) and an IPv6 zone (`%eth0`) are dropped. Null when the
 * text is not an IP address: nothing that might identify a client is kept.
 */
export function anonymizeIp(ip: string): string | null {
  const parsed = parseIp(ip);
  if (parsed === null) return null;
  if (parsed.kind === 'v4') return `${parsed.octets.slice(0, 3).join('.')}.0`;
  const groups = parsed.groups.map((g, i) => (i < 3 ? g : 0));
  return formatIpv6(groups);
}

export type ParsedIp = { kind: 'v4'; octets: number[] } | { kind: 'v6'; groups: number[] };

/** Parses an IPv4 or IPv6 address (see `anonymizeIp` for the forms accepted); mapped IPv6 gives IPv4. */
export function parseIp(input: string): ParsedIp | null {
  let text = input.trim();
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(text);
  if (bracketed?.[1] !== undefined) text = bracketed[1];
  else if (/^[\d.]+:\d{1,5}$/.test(text)) text = text.slice(0, text.indexOf(':'));

  const v4 = parseIpv4(text);
  if (v4 !== null) return { kind: 'v4', octets: v4 };
  const v6 = parseIpv6(text);
  if (v6 === null) return null;
  const mapped = v6.slice(0, 5).every((g) => g === 0) && v6[5] === 0xffff;
  if (mapped) {
    const [hi = 0, lo = 0] = v6.slice(6);
    return { kind: 'v4', octets: [hi >> 8, hi & 0xff, lo >> 8, lo & 0xff] };
  }
  return { kind: 'v6', groups: v6 };
}

/** Four decimal octets 0-255, without leading zeros (which some parsers read as octal). */
function parseIpv4(text: string): number[] | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const octets: number[] = [];
  for (const part of parts) {
    if (!/^(?:0|[1-9]\d{0,2})$/.test(part)) return null;
    const n = Number(part);
    if (n > 255) return null;
    octets.push(n);
  }
  return octets;
}

/** Eight 16-bit groups, from the full, `::`-compressed, or IPv4-suffixed forms; a zone is ignored. */
function parseIpv6(input: string): number[] | null {
  const percent = input.indexOf('%');
  const text = percent < 0 ? input : input.slice(0, percent);
  if (percent === 0 || !text.includes(':')) return null;
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const head = groupsOf(halves[0] ?? '', halves.length === 1);
  const tail = halves.length === 2 ? groupsOf(halves[1] ?? '', true) : [];
  if (head === null || tail === null) return null;
  if (halves.length === 1) return head.length === 8 ? head : null;
  const missing = 8 - head.length - tail.length;
  if (missing < 1) return null;
  return [...head, ...new Array<number>(missing).fill(0), ...tail];
}

/** The groups of one side of `::`; an IPv4 suffix only where it ends the address. */
function groupsOf(text: string, endsAddress: boolean): number[] | null {
  if (text === '') return [];
  const parts = text.split(':');
  const groups: number[] = [];
  for (const [i, part] of parts.entries()) {
    if (endsAddress && i === parts.length - 1 && part.includes('.')) {
      const v4 = parseIpv4(part);
      if (v4 === null) return null;
      const [a = 0, b = 0, c = 0, d = 0] = v4;
      groups.push((a << 8) | b, (c << 8) | d);
    } else if (/^[0-9a-fA-F]{1,4}$/.test(part)) {
      groups.push(Number.parseInt(part, 16));
    } else {
      return null;
    }
  }
  return groups;
}

/** RFC 5952: lower-case hex without leading zeros, the longest run (>= 2) of zero groups as `::`. */
export function formatIpv6(groups: number[]): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < groups.length; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < groups.length && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  const head = hex.slice(0, bestStart).join(':');
  const tail = hex.slice(bestStart + bestLength).join(':');
  return `${head}::${tail}`;
}
