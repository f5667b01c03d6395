import { v7 as uuidv7 } from 'uuid';
import { PIXEL_HEADERS } from '../collector/pixel.ts';
import { buildStreamRecord, type StreamRecord } from '../contract/index.ts';
import type { BrowsingEvent, SkuContent } from '../dataset/format.ts';
import { hitForEvent, rowId, type SessionDevice, sessionDevice } from './hit-mapping.ts';

/** `request.hostname` of backfilled records: tells them from hits that came over HTTP. */
export const BACKFILL_HOSTNAME = 'backfill';

/**
 * The stream record the collector would have written for this row, had it been received at its
 * (shifted) time: the same hit, the same context. The request id is a UUID v7 at that time whose
 * random bits come from the row, so that backfilling the same rows twice gives the same records.
 */
export function backfillRecord(
  event: BrowsingEvent,
  catalog: ReadonlyMap<string, SkuContent>,
  shiftMs: number,
  device: SessionDevice = sessionDevice(event.sessionIdHash),
): StreamRecord {
  const timeMs = event.timestampMs + shiftMs;
  const z = rowId(event);
  const hit = hitForEvent(event, catalog, timeMs, device, z);
  const id = uuidv7({ msecs: timeMs, random: Buffer.from(z.replace(/-/g, ''), 'hex') });
  return buildStreamRecord(
    hit,
    {
      id,
      timestamp: timeMs,
      hostname: BACKFILL_HOSTNAME,
      path: '/collect',
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8', 'user-agent': device.ua },
      sourceIp: null,
    },
    { timestamp: timeMs, statusCode: 200, headers: PIXEL_HEADERS },
    { anonymizeIp: false },
  );
}
