import { createHash } from 'node:crypto';
import type { HitParams } from '../contract/types.ts';
import { uuidV5 } from '../contract/uuid.ts';
import type { BrowsingEvent, SkuContent } from '../dataset/format.ts';
import { type RowIdentity, transactionIdOf } from './row-identity.ts';

/**
 * A dataset row as the GA hit a shop's page would have sent (spec §4), deterministic: the same row
 * always gives the same hit, whether pumped over HTTP or backfilled into the lake, in any run (its ids
 * come from `row-identity.ts`).
 */

/** RFC 4122's DNS namespace: the original pumper's client ids are uuid5(DNS, session_id_hash). */
const DNS_NAMESPACE = '6ba7b810-9dad-11d1-80b4-00c04fd430c8';

export const SITE_URL = 'http://www.jacopotagliabue.it/';

/** The small fixed lists the original picked a session's device from. */
const SCREEN_RESOLUTIONS = ['1920x1080', '1366x768', '1536x864', '1440x900', '375x667', '414x896', '360x640'];
const LANGUAGES = ['en-us', 'en-gb', 'it-it', 'fr-fr', 'de-de', 'es-es'];
const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/72.0.3626.109 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_14_3) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/12.0.3 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 12_1_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/12.0 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 9; SM-G960F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/72.0.3626.105 Mobile Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:65.0) Gecko/20100101 Firefox/65.0',
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/72.0.3626.121 Safari/537.36',
];
const TRACKING_IDS = ['UA-123456-1', 'UA-123456-2'];
const SCREEN_COLORS = ['24-bit', '32-bit'];
const ENCODINGS = ['UTF-8', 'ISO-8859-1'];

export interface SessionDevice {
  clientId: string;
  sr: string;
  ul: string;
  ua: string;
  tid: string;
  sd: string;
  de: string;
}

/** A session's client id and device, a pure function of its hash: the same in every run. */
export function sessionDevice(sessionIdHash: string): SessionDevice {
  const digest = createHash('sha256').update(sessionIdHash).digest();
  const pick = <T>(items: readonly T[], byte: number): T =>
    items[(digest[byte] as number) % items.length] as T;
  return {
    clientId: uuidV5(sessionIdHash, DNS_NAMESPACE),
    sr: pick(SCREEN_RESOLUTIONS, 0),
    ul: pick(LANGUAGES, 1),
    ua: pick(USER_AGENTS, 2),
    tid: pick(TRACKING_IDS, 3),
    sd: pick(SCREEN_COLORS, 4),
    de: pick(ENCODINGS, 5),
  };
}

/**
 * The hit for one dataset row, whose ids (`z`, `ti`) come from its identity (`RowIdentifier`).
 * `hitTimeMs` is the `tm` the page would have stamped (the send time in the `now` clock, the shifted
 * dataset time in `replay`).
 */
export function hitForEvent(
  event: BrowsingEvent,
  identity: RowIdentity,
  catalog: ReadonlyMap<string, SkuContent>,
  hitTimeMs: number,
  device: SessionDevice = sessionDevice(event.sessionIdHash),
): HitParams {
  const hit: HitParams = {
    v: '1',
    tid: device.tid,
    cid: device.clientId,
    t: event.productAction === null ? 'pageview' : 'event',
    dl: `${SITE_URL}?page=${event.hashedUrl}`,
    tm: String(hitTimeMs),
    z: identity.z,
    sr: device.sr,
    ul: device.ul,
    ua: device.ua,
    sd: device.sd,
    de: device.de,
  };
  if (event.productAction === null) return hit;

  const product = event.productSkuHash ? catalog.get(event.productSkuHash) : undefined;
  hit.ec = 'ecommerce';
  hit.ea = event.productAction;
  hit.pa = event.productAction;
  if (event.productSkuHash) hit.pr1id = event.productSkuHash;
  if (product?.priceBucket) hit.pr1pr = product.priceBucket;
  if (product?.categoryHash) hit.pr1ca = product.categoryHash;
  if (event.productAction !== 'detail') hit.pr1qt = '1';
  if (event.productAction === 'purchase') {
    hit.ti = transactionIdOf(identity);
    if (product?.priceBucket) hit.tr = product.priceBucket;
  }
  return hit;
}

/** URL-encoded, as GA clients send a hit. */
export function encodeHit(hit: HitParams): string {
  return new URLSearchParams(
    Object.entries(hit).map(([k, v]): [string, string] => [k, String(v)]),
  ).toString();
}
