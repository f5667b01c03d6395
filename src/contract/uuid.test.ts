import { execFileSync } from 'node:child_process';
import { v5 } from 'uuid';
import { describe, expect, it } from 'vitest';
import { uuidV5 } from './uuid.ts';

const LOG_NAMESPACE = 'da69e958-fee3-428b-9dc3-e7586429fcfc';
const DNS_NAMESPACE = '6ba7b810-9dad-11d1-80b4-00c04fd430c8';
const NAMES = ['stream_data/2026/11/24/14/pdi-collect-1.gz:1', '', 'café 🛒 Ω', 'a'.repeat(1000)];

describe('uuidV5', () => {
  it("agrees with the uuid package and with Python's uuid.uuid5", () => {
    const python = JSON.parse(
      execFileSync('python3', [
        '-c',
        'import json,sys,uuid; ns=[uuid.UUID(x) for x in sys.argv[1:3]]; names=json.loads(sys.argv[3]); print(json.dumps([[str(uuid.uuid5(n, s)) for s in names] for n in ns]))',
        LOG_NAMESPACE,
        DNS_NAMESPACE,
        JSON.stringify(NAMES),
      ]).toString(),
    ) as string[][];
    [LOG_NAMESPACE, DNS_NAMESPACE].forEach((namespace, i) => {
      NAMES.forEach((name, j) => {
        expect(uuidV5(name, namespace)).toBe(v5(name, namespace));
        expect(uuidV5(name, namespace)).toBe(python[i]?.[j]);
      });
    });
  });

  it('refuses a namespace that is not a UUID', () => {
    expect(() => uuidV5('x', 'not-a-uuid')).toThrow(/not a UUID/);
  });
});
