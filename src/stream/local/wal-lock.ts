import { open, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';

/** One writer per log folder: a lock file holding the owner's pid, taken over when that pid is dead. */
export async function lockFolder(dir: string): Promise<() => Promise<void>> {
  const file = path.join(dir, 'LOCK');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(file, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => unlink(file).catch(() => {});
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number((await readFile(file, 'utf8').catch(() => '')).trim());
      if (owner && isAlive(owner)) {
        throw new Error(`another collector is using ${dir} (pid ${owner})`);
      }
      await unlink(file).catch(() => {});
    }
  }
  throw new Error(`cannot lock ${dir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
