import { hash as digest } from 'node:crypto';

/**
 * UUID v5 (RFC 4122 / 9562: SHA-1 of namespace + name), lower-case, as Python's `uuid.uuid5` and
 * Snowflake's `UUID_STRING(namespace, name)` give it. Hand-written because it runs once per record on
 * hot paths (tens of millions of rows), where a generic implementation's string handling dominated.
 */
export function uuidV5(name: string, namespace: string): string {
  // one-shot hash of a reused buffer: a Hash object per id was a tenth of the backfill's time
  const length = 16 + Buffer.byteLength(name, 'utf8');
  if (hashInput.length < length) hashInput = Buffer.alloc(Math.max(length, 2 * hashInput.length));
  namespaceBytes(namespace).copy(hashInput, 0);
  hashInput.write(name, 16, 'utf8');
  const hash = digest('sha1', hashInput.subarray(0, length), 'buffer');
  hash[6] = ((hash[6] as number) & 0x0f) | 0x50;
  hash[8] = ((hash[8] as number) & 0x3f) | 0x80;
  const hex = hash.toString('hex', 0, 16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

const namespaces = new Map<string, Buffer>();
let hashInput = Buffer.alloc(256);

function namespaceBytes(namespace: string): Buffer {
  let bytes = namespaces.get(namespace);
  if (!bytes) {
    const hex = namespace.replace(/-/g, '');
    if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new TypeError(`not a UUID: ${namespace}`);
    bytes = Buffer.from(hex, 'hex');
    namespaces.set(namespace, bytes);
  }
  return bytes;
}
