import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';

/** The object keys under `<lake>/<prefix>/`, relative to the lake root with `/`, in key order (dotfiles skipped). */
export async function listLakeObjects(lakeDir: string, prefix: string): Promise<string[]> {
  const entries = await readdir(path.join(lakeDir, prefix), { recursive: true, withFileTypes: true }).catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    },
  );
  return entries
    .filter((e) => e.isFile() && !e.name.startsWith('.'))
    .map((e) => path.relative(lakeDir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .filter((key) => !key.split('/').some((part) => part.startsWith('.')))
    .sort();
}

/** Every record of every object under a prefix, in key then line order. */
export async function* readLakeRecords(
  lakeDir: string,
  prefix: string,
): AsyncGenerator<{ key: string; line: number; record: unknown }> {
  for (const key of await listLakeObjects(lakeDir, prefix)) {
    const lines = createInterface({ input: createReadStream(path.join(lakeDir, key)).pipe(createGunzip()) });
    let line = 0;
    for await (const text of lines) {
      line++;
      yield { key, line, record: JSON.parse(text) };
    }
  }
}
