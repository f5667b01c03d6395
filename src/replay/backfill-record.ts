import { v7 as uuidv7 } from 'uuid';
import { PIXEL_HEADERS } from '../collector/pixel.ts';
import { buildStreamRecord, type HitParams, type StreamRecord } from '../contract/index.ts';
import type { BrowsingEvent, SkuContent } from '../dataset/format.ts';
import { hitForEvent, type SessionDevice, sessionDevice } from './hit-mapping.ts';
import type { RowIdentity } from './row-identity.ts';

/** `request.hostname` of backfilled records: tells them from hits that came over HTTP. */
export const BACKFILL_HOSTNAME = 'backfill';

/**
 * The stream record the collector would have written for this row, had it been received at its
 * (shifted) time: the same hit, the same context. The request id is a UUID v7 at that time whose
 * random bits come from the row, so that backfilling the same rows twice gives the same records.
 */
export function backfillRecord(
  event: BrowsingEvent,
  identity: RowIdentity,
  catalog: ReadonlyMap<string, SkuContent>,
  shiftMs: number,
  device: SessionDevice = sessionDevice(event.sessionIdHash),
): StreamRecord {
  const { hit, id, timeMs } = backfillHit(event, identity, catalog, shiftMs, device);
  return recordOf(hit, id, timeMs, device.ua);
}

/**
 * `JSON.stringify(backfillRecord(…))`, faster. Records differ only in a few values (the request's id and
 * time, the page, the client, the hit), so the rest of the text is serialized once per user agent:
 * stringifying whole records was a fifth of the backfill's time.
 */
export class BackfillSerializer {
  private readonly templates = new Map<string, string[]>();

  constructor(
    private readonly catalog: ReadonlyMap<string, SkuContent>,
    private readonly shiftMs: number,
  ) {}

  /** The record's JSON text (no newline) and its request time. */
  line(event: BrowsingEvent, identity: RowIdentity, device: SessionDevice): { text: string; timeMs: number } {
    const { hit, id, timeMs } = backfillHit(event, identity, this.catalog, this.shiftMs, device);
    const values: Record<Slot, string> = {
      id: `"${id}"`,
      time: String(timeMs),
      dl: JSON.stringify(hit.dl),
      cid: JSON.stringify(hit.cid),
      body: JSON.stringify(hit),
    };
    const parts = this.template(device.ua);
    let text = parts[0] as string;
    for (let i = 1; i < parts.length; i += 2) {
      text += values[parts[i] as Slot] + (parts[i + 1] as string);
    }
    return { text, timeMs };
  }

  /** The record's text split around its slots: [text, slot, text, slot, …, text]. */
  private template(ua: string): string[] {
    let parts = this.templates.get(ua);
    if (!parts) {
      const slot = (name: Slot) => `\u0000${name}\u0000`;
      const record = recordOf({ ua, cid: slot('cid'), dl: slot('dl') }, slot('id'), slot('time'), ua);
      (record.request as { body: unknown }).body = slot('body');
      parts = JSON.stringify(record).split(/"\\u0000(\w+)\\u0000"/);
      this.templates.set(ua, parts);
    }
    return parts;
  }
}

type Slot = 'id' | 'time' | 'dl' | 'cid' | 'body';

function backfillHit(
  event: BrowsingEvent,
  identity: RowIdentity,
  catalog: ReadonlyMap<string, SkuContent>,
  shiftMs: number,
  device: SessionDevice,
): { hit: HitParams; id: string; timeMs: number } {
  const timeMs = event.timestampMs + shiftMs;
  const hit = hitForEvent(event, identity, catalog, timeMs, device);
  const id = uuidv7({ msecs: timeMs, random: Buffer.from(identity.z.replace(/-/g, ''), 'hex') });
  return { hit, id, timeMs };
}

/** `timeMs` is a number, or a slot's placeholder in a template. */
function recordOf(hit: HitParams, id: string, timeMs: number | string, ua: string): StreamRecord {
  return buildStreamRecord(
    hit,
    {
      id,
      timestamp: timeMs as number,
      hostname: BACKFILL_HOSTNAME,
      path: '/collect',
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8', 'user-agent': ua },
      sourceIp: null,
    },
    { timestamp: timeMs as number, statusCode: 200, headers: PIXEL_HEADERS },
    { anonymizeIp: false },
  );
}
