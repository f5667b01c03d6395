/**
 * The CLI as compiled JavaScript, dist/cli/: `./pdi` runs this script when a file under src/ is newer than
 * the build, then runs dist/cli/main.mjs (a long-running command runs no TypeScript loader).
 *
 * Our sources are bundled, the npm packages stay imports (resolved from node_modules); each lazily imported
 * command is a chunk of its own, so that a command loads only what it uses. Chunks are named by their content
 * and never removed by a build, and every file is written aside and then renamed: a `./pdi` started from an
 * earlier build keeps finding its chunks, and two builds at once write the same files. The files a module
 * reads beside itself (`new URL('./page.html', import.meta.url)`) are copied next to the chunks.
 */
import { copyFile, mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';

const ROOT = path.resolve(import.meta.dirname, '..');
const OUT = path.join(ROOT, 'dist', 'cli');
const SRC = path.join(ROOT, 'src');

const ENTRY_POINTS = {
  main: path.join(SRC, 'cli', 'main.ts'),
  // started as a worker thread by the backfill, `new URL('./backfill-worker.mjs', import.meta.url)`
  'backfill-worker': path.join(SRC, 'replay', 'backfill-worker.ts'),
};
const FILES_READ_BESIDE_MODULES = [
  path.join(SRC, 'dashboard', 'page.html'),
  path.join(SRC, 'dashboard', 'page.js'),
  path.join(SRC, 'warehouse', 'snowflake', 'session.py'),
];
/** Chunks of earlier builds are removed once this old: no `./pdi` runs from a build that long. */
const KEEP_OLD_CHUNKS_MS = 7 * 24 * 3600_000;

const result = await build({
  entryPoints: ENTRY_POINTS,
  bundle: true,
  splitting: true,
  packages: 'external',
  platform: 'node',
  target: 'node20',
  format: 'esm',
  outdir: OUT,
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunk-[hash]',
  sourcemap: 'linked',
  write: false,
  logLevel: 'error',
});

await mkdir(OUT, { recursive: true });
const written = new Set();
const writeAside = async (file, write) => {
  const partial = `${file}.${process.pid}.partial`;
  await write(partial);
  await rename(partial, file);
  written.add(path.basename(file));
};
for (const asset of FILES_READ_BESIDE_MODULES) {
  await writeAside(path.join(OUT, path.basename(asset)), (to) => copyFile(asset, to));
}
// the entry points last: a build is in use once main.mjs names its chunks
const entries = new Set(Object.keys(ENTRY_POINTS).map((name) => path.join(OUT, `${name}.mjs`)));
const outputs = [...result.outputFiles].sort(
  (a, b) => Number(entries.has(a.path)) - Number(entries.has(b.path)),
);
for (const output of outputs) {
  await writeAside(output.path, (to) => writeFile(to, output.contents));
}

const now = Date.now();
for (const name of await readdir(OUT)) {
  if (written.has(name)) continue;
  const file = path.join(OUT, name);
  const { mtimeMs } = await stat(file).catch(() => ({ mtimeMs: now }));
  if (now - mtimeMs > KEEP_OLD_CHUNKS_MS) await rm(file, { force: true });
}
