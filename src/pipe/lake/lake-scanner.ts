import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { LakeListing } from './lake.ts';

/** A folder is settled only when its last change is at least this old (file times are coarse). */
const SETTLE_AFTER_MS = 1000;

interface Folder {
  /** The folder's mtime when it was last read: a file renamed into it since changes it. */
  mtimeMs: number;
  subfolders: string[];
  /** Every object in it was loaded, as of `mtimeMs`: not read again until it changes. */
  settled: boolean;
  /** Its objects known to be loaded, read from the history once it holds objects (null: not read, or settled). */
  loaded: Set<string> | null;
}

/**
 * The objects of a local lake not yet loaded, for a pipe that cycles twice a second (`up`): listing every
 * object and reading the whole load history at each cycle grows with the lake (172k objects after a day at
 * 500 hits/s: 0.6 s to read the history alone). A folder whose objects are all loaded is settled, and read
 * again only once its mtime changes (an object written into it); each cycle then costs a stat per folder, and
 * a listing of the folders being written (the current hour's). The load history is read once per folder,
 * the first time it is listed; the scanner is told of the loads since (`loaded`). Only the pipe that owns the
 * warehouse may use one: it trusts that nothing else loads or unloads objects meanwhile.
 */
export class LakeScanner {
  private readonly folders = new Map<string, Folder>();

  /**
   * @param dir the lake's folder
   * @param loadedUnder the keys under a folder (`stream_data/2026/12/03/04`) that the load history holds
   */
  constructor(
    private readonly dir: string,
    private readonly loadedUnder: (folder: string) => Promise<Iterable<string>>,
  ) {}

  /** The objects under `prefix` (`stream_data`) not known to be loaded, in key order. */
  async listNew(prefix: string): Promise<LakeListing[]> {
    const listings: LakeListing[] = [];
    await this.scan(prefix, listings);
    return listings.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /** These objects are loaded (or were found already loaded). */
  loaded(keys: Iterable<string>): void {
    for (const key of keys) this.folders.get(path.posix.dirname(key))?.loaded?.add(key);
  }

  private async scan(folder: string, listings: LakeListing[]): Promise<void> {
    const info = await stat(path.join(this.dir, folder)).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return null;
      throw error;
    });
    if (!info?.isDirectory()) {
      this.folders.delete(folder);
      return;
    }
    let known = this.folders.get(folder);
    let entries: Dirent[] | null = null;
    if (!known || known.mtimeMs !== info.mtimeMs || !known.settled) {
      entries = await readdir(path.join(this.dir, folder), { withFileTypes: true });
      const subfolders = entries
        .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
        .map((e) => `${folder}/${e.name}`);
      known = { mtimeMs: info.mtimeMs, subfolders, settled: false, loaded: known?.loaded ?? null };
      this.folders.set(folder, known);
    }
    if (entries) {
      const objects = entries.filter((e) => e.isFile() && !e.name.startsWith('.'));
      // the history under a folder of folders (stream_data, a day) would be theirs too: read only where objects lie
      if (objects.length > 0 && !known.loaded) known.loaded = new Set(await this.loadedUnder(folder));
      const loaded = known.loaded;
      const waiting = objects.filter((e) => !loaded?.has(`${folder}/${e.name}`));
      for (const e of waiting) {
        const key = `${folder}/${e.name}`;
        const size = await stat(path.join(this.dir, key)).then(
          (s) => s.size,
          () => null,
        );
        if (size !== null) listings.push({ key, bytes: size });
      }
      // nothing waits in it, and any object written into it later will change its mtime
      if (waiting.length === 0 && Date.now() - info.mtimeMs >= SETTLE_AFTER_MS) {
        known.settled = true;
        known.loaded = null;
      }
    }
    for (const sub of known.subfolders) await this.scan(sub, listings);
  }
}
