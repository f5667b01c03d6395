import { describe, expect, it } from 'vitest';
import { anonymizeIp, firstForwardedFor, formatIpv6, parseIp } from './ip.ts';

describe('anonymizeIp', () => {
  it.each([
    ['203.0.113.195', '203.0.113.0'],
    ['0.0.0.0', '0.0.0.0'],
    ['255.255.255.255', '255.255.255.0'],
    [' 10.1.2.3 ', '10.1.2.0'],
    ['198.51.100.7:4711', '198.51.100.0'],
  ])('IPv4 %s -> %s', (ip, expected) => {
    expect(anonymizeIp(ip)).toBe(expected);
  });

  it.each([
    ['2001:0db8:85a3:0000:0000:8a2e:0370:7334', '2001:db8:85a3::'],
    ['2001:db8:85a3::8a2e:370:7334', '2001:db8:85a3::'],
    ['2001:DB8:1:2:3:4:5:6', '2001:db8:1::'],
    ['::1', '::'],
    ['::', '::'],
    ['fe80::1%eth0', 'fe80::'],
    ['[2001:db8:aaaa:bbbb::1]', '2001:db8:aaaa::'],
    ['[2001:db8:aaaa:bbbb::1]:443', '2001:db8:aaaa::'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8::'],
    ['0:0:1::ffff:1.2.3.4', '0:0:1::'],
    ['64:ff9b::192.0.2.33', '64:ff9b::'],
  ])('IPv6 %s -> %s', (ip, expected) => {
    expect(anonymizeIp(ip)).toBe(expected);
  });

  it.each([
    ['::ffff:203.0.113.195', '203.0.113.0'],
    ['::FFFF:cb00:71c3', '203.0.113.0'],
    ['0:0:0:0:0:ffff:203.0.113.195', '203.0.113.0'],
    ['[::ffff:198.51.100.7]:80', '198.51.100.0'],
  ])('IPv4-mapped %s -> %s', (ip, expected) => {
    expect(anonymizeIp(ip)).toBe(expected);
  });

  it.each([
    '',
    'unknown',
    'localhost',
    '256.1.1.1',
    '1.2.3',
    '1.2.3.4.5',
    '01.2.3.4',
    '1.2.3.-4',
    '1.2.3.4 5',
    '2001:db8::1::2',
    '2001:db8:1:2:3:4:5:6:7',
    '2001:db8:1:2:3:4:5',
    '12345::',
    'g::1',
    ':1::',
    '1.2.3.4::',
    '%eth0',
    '[1.2.3.4',
    '_hidden',
  ])('%j is not an IP: null', (ip) => {
    expect(anonymizeIp(ip)).toBeNull();
  });

  it('never returns the full address of a host', () => {
    expect(anonymizeIp('192.168.1.77')).not.toContain('77');
    expect(anonymizeIp('2a02:1234:5678:9abc:def0:1234:5678:9abc')).toBe('2a02:1234:5678::');
  });
});

describe('parseIp and formatIpv6', () => {
  it('reads every IPv6 form as eight groups', () => {
    expect(parseIp('1:2:3:4:5:6:7:8')).toEqual({ kind: 'v6', groups: [1, 2, 3, 4, 5, 6, 7, 8] });
    expect(parseIp('1::8')).toEqual({ kind: 'v6', groups: [1, 0, 0, 0, 0, 0, 0, 8] });
    expect(parseIp('1:2:3:4:5:6:7::')).toEqual({ kind: 'v6', groups: [1, 2, 3, 4, 5, 6, 7, 0] });
    expect(parseIp('::2:3:4:5:6:7:8')).toEqual({ kind: 'v6', groups: [0, 2, 3, 4, 5, 6, 7, 8] });
  });

  it('compresses the longest run of zero groups, the first on a tie, never a single one (RFC 5952)', () => {
    expect(formatIpv6([0x2001, 0xdb8, 0, 0, 1, 0, 0, 1])).toBe('2001:db8::1:0:0:1');
    expect(formatIpv6([0x2001, 0xdb8, 0, 0, 0, 1, 0, 0])).toBe('2001:db8::1:0:0');
    expect(formatIpv6([0x2001, 0xdb8, 0, 1, 1, 1, 1, 1])).toBe('2001:db8:0:1:1:1:1:1');
    expect(formatIpv6([0, 0, 0, 0, 0, 0, 0, 0])).toBe('::');
    expect(formatIpv6([1, 0, 0, 0, 0, 0, 0, 0])).toBe('1::');
    expect(formatIpv6([0, 0, 0, 0, 0, 0, 0, 1])).toBe('::1');
  });
});

describe('firstForwardedFor', () => {
  it('takes the first address, trimmed', () => {
    expect(firstForwardedFor('198.51.100.7, 10.0.0.1, 10.0.0.2')).toBe('198.51.100.7');
    expect(firstForwardedFor('  2001:db8::1  ')).toBe('2001:db8::1');
    expect(firstForwardedFor('unknown, 10.0.0.1')).toBe('unknown');
  });

  it('is null when there is no address', () => {
    expect(firstForwardedFor(undefined)).toBeNull();
    expect(firstForwardedFor('')).toBeNull();
    expect(firstForwardedFor(' , 10.0.0.1')).toBeNull();
  });
});
