/**
 * `npm run build:lambda`: the collector function as Lambda takes it, dist/lambda/collector.zip, holding one
 * file, index.mjs (handler `index.handler`, Node 20): src/collector/adapters/aws-lambda-main.ts and everything
 * it imports bundled and minified, the AWS SDK's Firehose client included (not the runtime's). The zip's
 * entries carry a fixed date, so that the same sources make the same zip (and Pulumi sees no change).
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';
import { zipSync } from 'fflate';

const ROOT = path.resolve(import.meta.dirname, '..');
export const LAMBDA_ZIP = path.join(ROOT, 'dist', 'lambda', 'collector.zip');

export async function buildLambda(): Promise<{ zipPath: string; zipBytes: number; bundleBytes: number }> {
  const result = await build({
    entryPoints: [path.join(ROOT, 'src', 'collector', 'adapters', 'aws-lambda-main.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    minify: true,
    legalComments: 'none',
    write: false,
    outfile: 'index.mjs',
    // the CommonJS packages in the bundle call require() for Node's own modules
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
    logLevel: 'warning',
  });
  const bundle = result.outputFiles[0]?.contents;
  if (!bundle) throw new Error('esbuild wrote no bundle');
  const zip = zipSync({ 'index.mjs': [bundle, { mtime: new Date('2026-01-01T00:00:00Z'), level: 9 }] });
  await mkdir(path.dirname(LAMBDA_ZIP), { recursive: true });
  // written aside, then renamed: a reader (a test, `pulumi up`) never sees half a zip
  const partial = `${LAMBDA_ZIP}.${process.pid}.partial`;
  await writeFile(partial, zip);
  await rename(partial, LAMBDA_ZIP);
  return { zipPath: LAMBDA_ZIP, zipBytes: zip.length, bundleBytes: bundle.length };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { zipPath, zipBytes, bundleBytes } = await buildLambda();
  console.log(
    `${path.relative(ROOT, zipPath)}: ${(zipBytes / 1024).toFixed(0)} KiB (index.mjs ${(bundleBytes / 1024).toFixed(0)} KiB)`,
  );
}
