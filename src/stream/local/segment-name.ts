import { hourFolder } from '../lake-objects.ts';

/**
 * A log segment is named after its first record's time and a random id; its lake object's key is
 * derived from that name alone, so that recovery can tell whether a segment was already published.
 */
export interface SegmentName {
  file: string;
  createdMs: number;
  id: string;
}

const SEGMENT = /^(\d{13})-([0-9a-f]{32})\.ndjson$/;

export function newSegmentName(createdMs: number, id: string): SegmentName {
  return { file: `${String(createdMs).padStart(13, '0')}-${id}.ndjson`, createdMs, id };
}

export function parseSegmentName(file: string): SegmentName | null {
  const match = SEGMENT.exec(file);
  if (!match) return null;
  return { file, createdMs: Number(match[1]), id: match[2] as string };
}

/** `<prefix>/YYYY/MM/DD/HH/<stream>-1-YYYY-MM-DD-HH-mm-ss-<id>.gz`: Firehose's layout and naming, UTC. */
export function objectKeyOf(segment: SegmentName, prefix: string, streamName: string): string {
  const stamp = new Date(segment.createdMs).toISOString().slice(0, 19).replace(/[T:]/g, '-');
  return `${hourFolder(prefix, segment.createdMs)}/${streamName}-1-${stamp}-${segment.id}.gz`;
}
