import type { LineRange } from '../dataset/reader.ts';
import { readBrowsing, readSkuCatalog } from '../dataset/reader.ts';
import { hourFolder, publishLakeObject } from '../stream/lake-objects.ts';
import { BackfillSerializer } from './backfill-record.ts';
import { type SessionDevice, sessionDevice } from './hit-mapping.ts';
import { RowIdentifier } from './row-identity.ts';

/** One share of a backfill: the rows of `range` of the browsing file (all of them without one). */
export interface BackfillPart {
  browsingFile: string;
  skuFile: string;
  range: LineRange | null;
  lakeDir: string;
  /** Object keys are `<hour folder>/pdi-backfill-<keyPrefix>-<sequence>.gz`. */
  keyPrefix: string;
  /** The writer's own folder under `<lake>/.tmp/`. */
  tmpName: string;
  shiftMs: number;
  limit: number | null;
  maxObjectBytes: number;
}

export interface PartSummary {
  rows: number;
  objects: number;
  compressedBytes: number;
}

/** Objects being filled at once, at most; sessions come in start order, so few hours are open. */
const MAX_OPEN_HOURS = 8;
const PUBLISHES_IN_FLIGHT = 2;
const HOUR_MS = 3_600_000;

/**
 * Writes the rows of one part as lake objects: the records the HTTP path would have produced, under
 * `stream_data/YYYY/MM/DD/HH/` by (shifted) event hour.
 */
export async function backfillPart(
  part: BackfillPart,
  onProgress: (rows: number) => void = () => {},
): Promise<PartSummary> {
  const serializer = new BackfillSerializer(await readSkuCatalog(part.skuFile), part.shiftMs);
  const open = new Map<string, NdjsonBuffer>();
  const inFlight = new Set<Promise<void>>();
  const summary: PartSummary = { rows: 0, objects: 0, compressedBytes: 0 };
  let sequence = 0;

  const publish = async (folder: string) => {
    const buffer = open.get(folder);
    if (!buffer) return;
    open.delete(folder);
    const key = `${folder}/pdi-backfill-${part.keyPrefix}-${String(++sequence).padStart(6, '0')}.gz`;
    while (inFlight.size >= PUBLISHES_IN_FLIGHT) await Promise.race(inFlight);
    const job = publishLakeObject(part.lakeDir, key, buffer.contents(), {
      tmpName: part.tmpName,
    }).then((bytes) => {
      summary.objects++;
      summary.compressedBytes += bytes;
    });
    const tracked = job.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  };

  const identifier = new RowIdentifier();
  let device: SessionDevice | undefined;
  let deviceSession: string | undefined;
  // hour folders by hour number: formatting a date for every row costs more than the rest of the key
  const folders = new Map<number, string>();
  for await (const event of readBrowsing(part.browsingFile, part.range ?? undefined)) {
    if (part.limit !== null && summary.rows >= part.limit) break;
    if (device === undefined || event.sessionIdHash !== deviceSession) {
      deviceSession = event.sessionIdHash;
      device = sessionDevice(deviceSession);
    }
    const { text, timeMs } = serializer.line(event, identifier.identify(event), device);
    const hour = Math.floor(timeMs / HOUR_MS);
    let folder = folders.get(hour);
    if (folder === undefined) {
      folder = hourFolder('stream_data', hour * HOUR_MS);
      folders.set(hour, folder);
    }
    let buffer = open.get(folder);
    if (!buffer) {
      if (open.size >= MAX_OPEN_HOURS) await publish(open.keys().next().value as string);
      buffer = new NdjsonBuffer(part.maxObjectBytes + 64 * 1024);
      open.set(folder, buffer);
    }
    buffer.add(text);
    if (buffer.length >= part.maxObjectBytes) await publish(folder);
    if (++summary.rows % 50_000 === 0) onProgress(summary.rows);
  }
  for (const folder of [...open.keys()]) await publish(folder);
  await Promise.all(inFlight);
  onProgress(summary.rows);
  return summary;
}

/**
 * An object's NDJSON as it fills, each line encoded as it comes: holding the lines as strings until the
 * object was full made the garbage collector copy them (a tenth of the backfill's time).
 */
class NdjsonBuffer {
  private bytes: Buffer;
  length = 0;

  constructor(capacity: number) {
    this.bytes = Buffer.allocUnsafe(capacity);
  }

  add(line: string): void {
    const needed = this.length + Buffer.byteLength(line) + 1;
    if (needed > this.bytes.length) {
      const bigger = Buffer.allocUnsafe(Math.max(needed, 2 * this.bytes.length));
      this.bytes.copy(bigger, 0, 0, this.length);
      this.bytes = bigger;
    }
    this.length += this.bytes.write(line, this.length);
    this.bytes[this.length++] = 0x0a;
  }

  contents(): Buffer {
    return this.bytes.subarray(0, this.length);
  }
}
