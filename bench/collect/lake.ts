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
  /** Hits answered 2xx, as the load generator counted them (2xx responses × hits per request). */
  ackedHits: number;
  /** `lines === ackedHits`. */
  equal: boolean;
  /** Hits answered 2xx that are not in the lake: must be 0. By count when the load generator cannot tell
   * which hits were answered: answered hits less the distinct hits in the lake, when more. */
  lost: number;
  /** Hits in the lake more than once: must be 0. */
  duplicated: number;
  /** Lines whose `z` is missing or was never sent: must be 0. */
  unknown: number;
  /** Hits sent and stored but never answered 2xx to the client: in flight when the load stopped. */
  storedUnacked: number;
  /** Whether lost hits were looked for hit by hit (true) or by count (false). */
  hitByHit: boolean;
  /** No hit lost, duplicated or unknown; the lake may differ from the 2xx count only by `storedUnacked`. */
  ok: boolean;
}

export async function checkLake(home: string, loads: readonly LoadResult[]): Promise<LakeCheck> {
  // how many times each id sent is in the lake (saturates at 255), one array per range of ids sent
  const ranges = loads.flatMap(
    (load): [number, number][] => load.hitIds.ranges ?? [[load.hitIds.first, load.hitIds.next]],
  );
  const seen = ranges.map(([start, end]) => ({
    start,
    end,
    times: new Uint8Array(Math.max(0, end - start)),
  }));
  const objects = await gzipObjects(path.join(home, 'lake', 'stream_data'));
  let lines = 0;
  let unknown = 0;
  for (const object of objects) {
    const input = createReadStream(object).pipe(createGunzip());
    for await (const line of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
      if (line.trim() === '') continue;
      lines++;
      const id = hitId(line);
      const range = id === null ? undefined : seen.find((r) => id >= r.start && id < r.end);
      if (id === null || !range) unknown++;
      else range.times[id - range.start] = Math.min(255, (range.times[id - range.start] ?? 0) + 1);
    }
  }

  const ackedHits = loads.reduce((sum, load) => sum + load.ok2xx * load.hitsPerRequest, 0);
  let duplicated = 0;
  let distinct = 0;
  for (const range of seen) {
    for (const times of range.times) {
      if (times > 1) duplicated++;
      if (times > 0) distinct++;
    }
  }
  const hitByHit = loads.every((load) => load.hitIds.unacked !== null);
  let lost = 0;
  let storedUnacked = 0;
  if (hitByHit) {
    const unacked = new Set(loads.flatMap((load) => load.hitIds.unacked ?? []));
    for (const load of loads) {
      for (let id = load.hitIds.first; id < load.hitIds.next; id++) {
        const times = timesOf(seen, id);
        if (unacked.has(id)) storedUnacked += times > 0 ? 1 : 0;
        else if (times === 0 && !load.hitIds.unackedTruncated) lost++;
      }
    }
  } else {
    lost = Math.max(0, ackedHits - distinct);
    storedUnacked = Math.max(0, distinct - ackedHits);
  }
  // by count, a hit lost could hide behind one in flight: at most one request per connection was in flight
  const inFlight = loads.reduce((sum, load) => sum + load.connections * load.hitsPerRequest, 0);
  return {
    objects: objects.length,
    lines,
    ackedHits,
    equal: lines === ackedHits,
    lost,
    duplicated,
    unknown,
    storedUnacked,
    hitByHit,
    ok:
      lost === 0 &&
      duplicated === 0 &&
      unknown === 0 &&
      lines === ackedHits + storedUnacked &&
      (hitByHit || storedUnacked <= inFlight),
  };
}

function timesOf(seen: { start: number; end: number; times: Uint8Array }[], id: number): number {
  const range = seen.find((r) => id >= r.start && id < r.end);
  return range ? (range.times[id - range.start] ?? 0) : 0;
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
