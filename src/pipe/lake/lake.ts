import { stat } from 'node:fs/promises';
import path from 'node:path';
import { listLakeObjects } from '../../stream/lake-reader.ts';

/** An object of the lake: its key (relative to the lake root, `stream_data/…`) and its size in bytes. */
export interface LakeListing {
  key: string;
  bytes: number;
}

/** A lake object as the loader reads it: a local gzip file. */
export interface LakeObject extends LakeListing {
  file: string;
}

/**
 * Where the pipe reads lake objects from: a folder (the embedded stream's lake) or an S3 bucket (Firehose's).
 * Keys are relative to the lake root in both, so that an object gets the same LOG_IDs wherever it is read.
 */
export interface Lake {
  /** As the user gave it: a folder, or s3://bucket/prefix. */
  readonly location: string;
  /**
   * The objects under `prefix` (`stream_data`), in key order, but those `skip` names (the ones already
   * loaded: a local lake then reads the size of the new objects only).
   */
  list(prefix: string, skip?: (key: string) => boolean): Promise<LakeListing[]>;
  /** The objects as local gzip files; `release` removes whatever fetching them made. */
  fetch(objects: LakeListing[]): Promise<{ objects: LakeObject[]; release(): Promise<void> }>;
}

/** The lake on this machine's disk: its files are read where they are. */
export function localLake(dir: string): Lake {
  return {
    location: dir,
    async list(prefix, skip) {
      const keys = (await listLakeObjects(dir, prefix)).filter((key) => !skip?.(key));
      return Promise.all(keys.map(async (key) => ({ key, bytes: (await stat(path.join(dir, key))).size })));
    },
    async fetch(objects) {
      return {
        objects: objects.map((o) => ({ ...o, file: path.join(dir, o.key) })),
        release: async () => {},
      };
    },
  };
}

/** A lake that cannot be read (no bucket, no credentials, access denied): the pipe stops, loading nothing more. */
export class LakeAccessError extends Error {
  override name = 'LakeAccessError';
}

/** `--lake`: an S3 URL (s3://bucket[/prefix]) or a folder. */
export async function openLake(location: string): Promise<Lake> {
  if (!location.startsWith('s3://')) return localLake(location);
  const { s3Lake } = await import('./s3-lake.ts');
  return s3Lake(location);
}
