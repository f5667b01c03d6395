import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { GetObjectCommand, paginateListObjectsV2, S3Client } from '@aws-sdk/client-s3';
import pLimit from 'p-limit';
import { type Lake, LakeAccessError, type LakeListing } from './lake.ts';

const gzipped = promisify(gzip);

/** How many objects are fetched at once. */
const FETCH_CONCURRENCY = 16;

/** `s3://bucket/some/prefix/` -> { bucket, prefix: 'some/prefix' } (the lake root inside the bucket). */
export function parseS3Url(url: string): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(url);
  if (!match?.[1]) throw new LakeAccessError(`not an S3 lake: ${url} (expected s3://BUCKET[/PREFIX])`);
  return { bucket: match[1], prefix: (match[2] ?? '').replace(/^\/+|\/+$/g, '') };
}

/**
 * The lake in an S3 bucket, where Firehose writes it: `stream_data/` under the prefix. Credentials, region and
 * endpoint come from the AWS SDK's usual environment (AWS_REGION, AWS_PROFILE or AWS_ACCESS_KEY_ID…,
 * AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL); with an endpoint, buckets are addressed by path, as emulators
 * expect. Objects are fetched into a temporary folder for the loader, gzipped when they are not (emulators
 * store Firehose's output uncompressed), and removed once loaded.
 */
export function s3Lake(url: string, client?: S3Client): Lake {
  const { bucket, prefix } = parseS3Url(url);
  const endpoint = process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL;
  // the SDK pinned in package.json runs on Node 20; its notice that later versions will not is for the
  // project's maintainers, not on every load's stderr
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const s3 = client ?? new S3Client({ forcePathStyle: endpoint !== undefined });
  const root = prefix ? `${prefix}/` : '';
  const fail = (error: unknown) => {
    throw accessError(error, url, bucket);
  };

  return {
    location: url,
    async list(under, skip) {
      const listings: LakeListing[] = [];
      const pages = paginateListObjectsV2({ client: s3 }, { Bucket: bucket, Prefix: `${root}${under}/` });
      try {
        for await (const page of pages) {
          for (const object of page.Contents ?? []) {
            const key = (object.Key ?? '').slice(root.length);
            if (key && !key.endsWith('/') && !skip?.(key)) listings.push({ key, bytes: object.Size ?? 0 });
          }
        }
      } catch (error) {
        fail(error);
      }
      return listings.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    },
    async fetch(objects) {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'pdi-s3-lake-'));
      const release = () => rm(dir, { recursive: true, force: true });
      const limit = pLimit(FETCH_CONCURRENCY);
      try {
        const fetched = await Promise.all(
          objects.map((object) =>
            limit(async () => {
              const answer = await s3.send(
                new GetObjectCommand({ Bucket: bucket, Key: `${root}${object.key}` }),
              );
              const body = await answer.Body?.transformToByteArray();
              if (!body) throw new Error(`s3://${bucket}/${root}${object.key}: no body`);
              const bytes = isGzip(body) ? body : await gzipped(body);
              const file = path.join(dir, object.key);
              await mkdir(path.dirname(file), { recursive: true });
              await writeFile(file, bytes);
              return { key: object.key, bytes: bytes.length, file };
            }),
          ),
        );
        return { objects: fetched, release };
      } catch (error) {
        limit.clearQueue();
        await release();
        return fail(error);
      }
    },
  };
}

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** What went wrong, in a line a user can act on. */
function accessError(error: unknown, url: string, bucket: string): LakeAccessError {
  const name = (error as { name?: string }).name ?? '';
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const message = (error as Error).message ?? String(error);
  if (name === 'NoSuchBucket' || (status === 404 && !name.startsWith('NoSuchKey'))) {
    return new LakeAccessError(`no bucket ${bucket} (${url})`);
  }
  if (name === 'AccessDenied' || status === 403) {
    return new LakeAccessError(
      `access denied to ${url}: the credentials need s3:ListBucket and s3:GetObject (${message})`,
    );
  }
  if (name === 'CredentialsProviderError') {
    return new LakeAccessError(
      `no AWS credentials to read ${url}: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`,
    );
  }
  if (/region is missing/i.test(message)) {
    return new LakeAccessError(`no AWS region to read ${url}: set AWS_REGION`);
  }
  if (
    /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|socket hang up/i.test(
      `${name} ${message} ${(error as { code?: string }).code}`,
    )
  ) {
    return new LakeAccessError(`cannot reach S3 for ${url}: ${message}`);
  }
  return new LakeAccessError(`cannot read ${url}: ${name ? `${name}: ` : ''}${message}`);
}
