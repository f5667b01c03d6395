import { uuidV5 } from '../contract/uuid.ts';
import type { BrowsingEvent } from '../dataset/format.ts';

/**
 * The ids of a dataset row, from what the row says and nothing else: its session, time, event type,
 * product action, SKU and URL, plus, for rows that say exactly the same thing within a session, how many
 * such rows came before it. So the same row gets the same ids in whatever file, part or order it is read,
 * two different rows never share one, and backfilling or pumping the same rows twice counts them once
 * (the warehouse drops a hit whose client and `z` it has seen). docs/contract.md says how an exporter
 * of its own gets the same guarantee.
 */

/** The namespace of a row's `z`. */
export const ROW_NAMESPACE = 'b8f3c1e2-5d0a-4c47-9a59-2f1e6c4d7a10';
/** The namespace of a purchase row's transaction id (`ti`). */
export const TRANSACTION_NAMESPACE = '3c9e7a52-0f4b-5d1e-8a6c-9b2d4f7e1a30';

type RowFields = Pick<
  BrowsingEvent,
  'sessionIdHash' | 'timestampMs' | 'eventType' | 'productAction' | 'productSkuHash' | 'hashedUrl'
>;

export interface RowIdentity {
  /** The hit's cache buster `z`. */
  z: string;
  /** The name both ids are hashed from. */
  name: string;
}

/** The name of a row: a JSON array of its fields and its occurrence (0 for the first such row). */
export function rowName(row: RowFields, occurrence: number): string {
  return JSON.stringify([
    row.sessionIdHash,
    row.timestampMs,
    row.eventType,
    row.productAction ?? '',
    row.productSkuHash ?? '',
    row.hashedUrl,
    occurrence,
  ]);
}

export function rowIdentity(row: RowFields, occurrence = 0): RowIdentity {
  return identityNamed(rowName(row, occurrence));
}

function identityNamed(name: string): RowIdentity {
  return { z: uuidV5(name, ROW_NAMESPACE), name };
}

/** A purchase row's transaction id (computed only for purchases: a hash per row costs at scale). */
export function transactionIdOf(identity: RowIdentity): string {
  return uuidV5(identity.name, TRANSACTION_NAMESPACE);
}

/**
 * Sessions whose rows are remembered, at most: identical rows share a session and a time, so they sit
 * together in a file sorted by session or by time; this bounds memory in any order.
 */
const REMEMBERED_SESSIONS = 10_000;

/**
 * Identifies rows in reading order, numbering the rows that repeat an earlier one of their session.
 * A reader of part of a file must start at a boundary that no two identical rows straddle (see
 * `splitLines`), so that every part numbers its rows as a reader of the whole file would.
 */
export class RowIdentifier {
  /** Per session, how many times each row was seen, by its first name (most recently used session last). */
  private readonly sessions = new Map<string, Map<string, number>>();
  private lastSession: string | undefined;

  identify(row: RowFields): RowIdentity {
    // the name of a row's first occurrence says all it says: the key of its count, and usually its name
    const first = rowName(row, 0);
    const seen = this.session(row.sessionIdHash);
    const occurrence = seen.get(first) ?? 0;
    seen.set(first, occurrence + 1);
    return identityNamed(occurrence === 0 ? first : rowName(row, occurrence));
  }

  private session(id: string): Map<string, number> {
    let seen = this.sessions.get(id);
    if (seen && id === this.lastSession) return seen;
    if (seen) this.sessions.delete(id);
    else seen = new Map();
    this.sessions.set(id, seen);
    this.lastSession = id;
    if (this.sessions.size > REMEMBERED_SESSIONS) {
      this.sessions.delete(this.sessions.keys().next().value as string);
    }
    return seen;
  }
}
