/**
 * Checks a collector's lake after it stopped: every line of every gzip object under `lake/stream_data/` is
 * one accepted hit, identified by the unique `z` the load generator gave it. The lake must hold every hit
 * answered 2xx, once, and nothing that was never sent.
 */
import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import type { LoadResult } from './load.ts';

export interface LakeCheck {
  objects: number;
  /** Lines in all the objects. */
  lines: number;
  /** Hits answered 2xx, as autocannon counted them (2xx responses × hits per request). */
  ackedHits: number;
  /** `lines === ackedHits`. */
  equal: boolean;
  /** Hits answered 2xx that are not in the lake: must be 0. */
  lost: number;
  /** Hits in the lake more than once: must be 0. */
  duplicated: number;
  /** Lines whose `z` is missing or was never sent: must be 0. */
  unknown: number;
  /** Hits sent and stored but never answered 2xx to the client: in flight when the load stopped. */
  storedUnacked: number;
  /** No hit lost, duplicated or unknown; the lake may differ from the 2xx count only by `storedUnacked`. */
  ok: boolean;
}

export async function checkLake(home: string, loads: readonly LoadResult[]): Promise<LakeCheck> {
  const end = Math.max(0, ...loads.map((load) => load.hitIds.next));
  const seen = new Uint8Array(end); // times each hit id is in the lake (saturates at 255)
  const objects = await gzipObjects(path.join(home, 'lake', 'stream_data'));
  let lines = 0;
  let unknown = 0;
  for (const object of objects) {
    const input = createReadStream(object).pipe(createGunzip());
    for await (const line of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
      if (line.trim() === '') continue;
      lines++;
      const id = hitId(line);
      if (id === null || id >= end) unknown++;
      else seen[id] = Math.min(255, (seen[id] ?? 0) + 1);
    }
  }

  const unacked = new Set(loads.flatMap((load) => load.hitIds.unacked));
  let lost = 0;
  let duplicated = 0;
  let storedUnacked = 0;
  for (const load of loads) {
    for (let id = load.hitIds.first; id < load.hitIds.next; id++) {
      const times = seen[id] ?? 0;
      if (times > 1) duplicated++;
      if (unacked.has(id)) storedUnacked += times > 0 ? 1 : 0;
      else if (times === 0 && !load.hitIds.unackedTruncated) lost++;
    }
  }
  const ackedHits = loads.reduce((sum, load) => sum + load.ok2xx * load.hitsPerRequest, 0);
  return {
    objects: objects.length,
    lines,
    ackedHits,
    equal: lines === ackedHits,
    lost,
    duplicated,
    unknown,
    storedUnacked,
    ok: lost === 0 && duplicated === 0 && unknown === 0 && lines === ackedHits + storedUnacked,
  };
}

async function gzipObjects(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.gz'))
    .map((entry) => path.join(entry.parentPath ?? entry.path, entry.name))
    .sort();
}

/** The hit's `z` (the load generator's id), from the record's `request.body`. */
function hitId(line: string): number | null {
  try {
    const record = JSON.parse(line) as { request?: { body?: Record<string, unknown> } };
    const z = Number(record.request?.body?.z);
    return Number.isSafeInteger(z) && z >= 0 ? z : null;
  } catch {
    return null;
  }
}
