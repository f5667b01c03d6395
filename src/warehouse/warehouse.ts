import { constants, statfsSync } from 'node:fs';
import { access, copyFile, mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type DuckDBConnection, DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import { isDuckdbSize, isPercentage, SETTINGS, settingText } from '../config/settings.ts';

export type Row = Record<string, unknown>;

export interface OpenOptions {
  readOnly?: boolean;
  /** How long to wait for another process to release the file (DuckDB allows one writer). */
  waitMs?: number;
  /** Create the file when missing (writers); readers refuse a missing warehouse. */
  create?: boolean;
  /**
   * false: checkpoints never merge the small row groups that frequent small commits leave (DuckDB's vacuum),
   * for a writer whose commits must stay short: such a merge rewrites whole row groups of a table during the
   * commit that reaches the checkpoint threshold. Another writer's checkpoint merges them (dbt's, on a build's
   * copy). Default true.
   */
  mergeRowGroups?: boolean;
}

/** The warehouse file cannot be used: missing, damaged, or held by another process. */
export class WarehouseError extends Error {
  override name = 'WarehouseError';
}

/** The catalog name of a build's copy while it is caught up. */
const COPY = 'pdi_build_copy';
export type CopyBuildStep = 'copy' | 'build' | 'catch_up' | 'swap_catch_up' | 'swap_reopen' | 'swap_prepare';

/**
 * A build's copy is caught up beside the loads in rounds, until a round takes less than this or after the last
 * round: then the swap, which holds the loads, has what they added during that round left to bring.
 */
const SHORT_CATCH_UP_MS = 1000;
const CATCH_UP_ROUNDS = 4;

const LOCKED = /Could not set lock on file|Conflicting lock is held/i;

/** What `buildOnCopy` does with a build's copy of the warehouse. */
export interface CopyBuildOptions<T> {
  /** Whether the copy, built, replaces the original (false: it is thrown away). */
  keep(result: T): boolean;
  /**
   * Brings into the copy, attached as the catalog `copy`, what was written to the original while it was
   * being built: called in rounds on a connection of its own beside the writes, then on the owner's with the
   * writes held, for what they added meanwhile. It must bring only what the copy lacks.
   */
  catchUp(connection: DuckDBConnection, copy: string): Promise<void>;
  /**
   * Prepares the copy for reads: run on it opened alone after each round of catching up (beside the writes),
   * then again once it has the original's place, before any read sees it (with the writes held), for what they
   * added meanwhile. It must do only what the copy lacks.
   */
  beforeReads?(connection: DuckDBConnection): Promise<unknown>;
  /**
   * Told how long each step took, in seconds. The writes wait during `copy` and the three steps of the swap:
   * its catching up, putting the copy in the original's place, and `beforeReads` on it.
   */
  onStep?(step: CopyBuildStep, seconds: number): void;
}

/**
 * The one owner of the DuckDB file in this process: every statement goes through it, one at a time.
 * `buildOnCopy` lets another process (dbt) build a copy of the file while this one goes on with the original.
 */
export class Warehouse {
  private queue: Promise<unknown> = Promise.resolve();
  /** Reads under way, each on a connection of its own. */
  private readonly reads = new Set<Promise<unknown>>();

  private constructor(
    readonly path: string,
    private readonly options: OpenOptions,
    private instance: DuckDBInstance | null,
    private connection: DuckDBConnection | null,
  ) {}

  static async open(path: string, options: OpenOptions = {}): Promise<Warehouse> {
    if (options.create) {
      await mkdir(dirname(path), { recursive: true });
    } else {
      await access(path).catch(() => {
        throw new WarehouseError(`no warehouse at ${path}: run \`./pdi load\` first`);
      });
    }
    const { instance, connection } = await connect(path, options);
    return new Warehouse(path, options, instance, connection);
  }

  /** Runs statements (several separated by `;` allowed when there are no parameters). */
  run(sql: string, values?: DuckDBValue[]): Promise<void> {
    return this.serialized(async (c) => {
      await c.run(sql, values);
    });
  }

  /** Rows as plain objects, with the warehouse's column names and JSON-friendly values. */
  query(sql: string, values?: DuckDBValue[]): Promise<Row[]> {
    return this.serialized(async (c) => (await c.runAndReadAll(sql, values)).getRowObjectsJson() as Row[]);
  }

  /**
   * Rows of a read-only query, on a connection of its own: reads run beside each other and beside a load in
   * progress (seeing what was committed before them), instead of after them, and never wait for a build
   * (`buildOnCopy`).
   */
  async read(sql: string): Promise<Row[]> {
    const instance = this.instance;
    if (!instance) throw new WarehouseError('the warehouse is closed');
    // counted as under way before its first await, so that `buildOnCopy` cannot close its file beneath it
    const reading = (async () => {
      const connection = await instance.connect();
      try {
        return await connection.runAndReadAll(sql);
      } finally {
        connection.closeSync();
      }
    })();
    this.reads.add(reading);
    try {
      return (await reading).getRowObjectsJson() as Row[];
    } finally {
      this.reads.delete(reading);
    }
  }

  /** A sequence of statements on the owner's connection, alone (e.g. a transaction). */
  withConnection<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    return this.serialized(work);
  }

  /**
   * Has `build` (another process: dbt) work on a copy of the file, in a folder of its own beside it with the
   * same file name (so the copy's catalog has the original's name), while this process goes on loading and
   * reading the original. Then, when `keep(result)`, `catchUp` brings into the copy what was written here
   * meanwhile, and the copy takes the original's place. Reads never wait: those under way when the file is
   * replaced finish on the original, the next ones read the copy. Writes wait only while the file is copied
   * and replaced. A build that fails, or is not kept, leaves the original as it is.
   */
  async buildOnCopy<T>(build: (copyPath: string) => Promise<T>, options: CopyBuildOptions<T>): Promise<T> {
    const copyDir = join(dirname(this.path), '.build');
    const copyPath = join(copyDir, basename(this.path));
    const step = stepTimer(options.onStep);
    await this.serialized(async (c) => {
      await rm(copyDir, { recursive: true, force: true });
      await mkdir(copyDir);
      // once checkpointed, the file holds every commit, and nothing writes until it is copied (reads do not)
      await checkpoint(c);
      await copyFile(this.path, copyPath, constants.COPYFILE_FICLONE);
    });
    step('copy');
    try {
      const result = await build(copyPath);
      step('build');
      if (options.keep(result)) await this.replaceWith(copyPath, options, step);
      return result;
    } finally {
      await rm(copyDir, { recursive: true, force: true });
    }
  }

  /**
   * The built copy at `copyPath`, caught up, in place of the original file. Most of the catching up runs beside
   * the loads, in rounds until one is short (the loads go on meanwhile: each round brings what they added during
   * the last); then, with the loads held, what they added during the last round, and the swap.
   */
  private async replaceWith(
    copyPath: string,
    options: CopyBuildOptions<never>,
    step: (name: CopyBuildStep) => void,
  ): Promise<void> {
    const { catchUp, beforeReads } = options;
    for (let round = 1; round <= CATCH_UP_ROUNDS; round++) {
      const started = performance.now();
      await this.catchUpBeside(copyPath, options);
      if (performance.now() - started < SHORT_CATCH_UP_MS) break;
    }
    step('catch_up');
    const replaced = await this.serialized(async (c) => {
      await c.run(attachStatement(copyPath));
      try {
        await catchUp(c, COPY);
        await checkpoint(c, COPY);
      } finally {
        await c.run(`detach ${COPY}`);
      }
      // the original's log of changes emptied, so that the copy opened under its name finds none; the
      // original, renamed over, stays open for the reads under way (DuckDB locks the file, not its name)
      await checkpoint(c);
      step('swap_catch_up');
      await rename(copyPath, this.path);
      const original = { instance: this.instance, connection: this.connection, reads: [...this.reads] };
      const reopened = await connect(this.path, this.options).catch((error: unknown) => {
        // writes must not go on into the file renamed over: closed, the warehouse refuses them
        this.release();
        throw error;
      });
      step('swap_reopen');
      // the file is the copy's now, whatever beforeReads does: its failure is reported once the swap is done
      const prepared = await beforeReads?.(reopened.connection).then(
        () => null,
        (error: unknown) => error,
      );
      this.instance = reopened.instance;
      this.connection = reopened.connection;
      return { ...original, prepared };
    });
    step('swap_prepare');
    // the original is closed once the reads under way on it are done; nothing writes to it any more
    await Promise.allSettled(replaced.reads);
    replaced.connection?.closeSync();
    replaced.instance?.closeSync();
    if (replaced.prepared) throw replaced.prepared;
  }

  /**
   * One round of catching the copy up beside the loads: on a connection of its own (its transaction sees one
   * state of the original), then `beforeReads` on the copy opened alone (its views name its own catalog, which
   * an attached copy does not answer to). A failure of `beforeReads` here is met again at the swap, and
   * reported then.
   */
  private async catchUpBeside(
    copyPath: string,
    { catchUp, beforeReads }: CopyBuildOptions<never>,
  ): Promise<void> {
    const instance = this.instance;
    if (!instance) throw new WarehouseError('the warehouse is closed');
    const side = await instance.connect();
    try {
      await side.run(attachStatement(copyPath));
      await catchUp(side, COPY);
      await checkpoint(side, COPY);
      await checkpoint(side);
    } finally {
      await side.run(`detach database if exists ${COPY}`).catch(() => {});
      side.closeSync();
    }
    if (!beforeReads) return;
    const alone = await connect(copyPath, this.options);
    try {
      await beforeReads(alone.connection).catch(() => {});
    } finally {
      alone.connection.closeSync();
      alone.instance.closeSync();
    }
  }

  async close(): Promise<void> {
    await this.queue;
    await Promise.allSettled([...this.reads]);
    this.release();
  }

  private release(): void {
    this.connection?.closeSync();
    this.instance?.closeSync();
    this.connection = null;
    this.instance = null;
  }

  private serialized<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    const next = this.queue.then(() => {
      if (!this.connection) throw new WarehouseError('the warehouse is closed');
      return work(this.connection);
    });
    this.queue = next.catch(() => {});
    return next;
  }
}

function attachStatement(copyPath: string): string {
  return `attach '${copyPath.replaceAll("'", "''")}' as ${COPY}`;
}

/** Calls `report` with the seconds since the previous call (or since it was made). */
function stepTimer<Step extends string>(report?: (step: Step, seconds: number) => void) {
  let last = performance.now();
  return (step: Step) => {
    const now = performance.now();
    report?.(step, (now - last) / 1000);
    last = now;
  };
}

/**
 * CHECKPOINT, which DuckDB refuses while another transaction writes: tried again for a few seconds (the
 * owner's connection is not writing, so another is about to finish), then forced (it waits for them).
 */
async function checkpoint(c: DuckDBConnection, catalog = ''): Promise<void> {
  for (let attempt = 0; attempt < 30; attempt++) {
    try {
      await c.run(`checkpoint ${catalog}`);
      return;
    } catch (error) {
      if (!/other write transactions/i.test((error as Error).message)) throw error;
      await sleep(100);
    }
  }
  await c.run(`force checkpoint ${catalog}`);
}

async function connect(path: string, options: OpenOptions) {
  const deadline = Date.now() + (options.waitMs ?? 30_000);
  const memory = memoryLimit();
  const maxTemp = maxTempSize(path);
  for (let delay = 50; ; delay = Math.min(delay * 2, 1000)) {
    try {
      const instance = await DuckDBInstance.create(path, {
        memory_limit: memory,
        max_temp_directory_size: maxTemp,
        // a new file in the newest storage format: the older default cannot zstd-compress RAW.LOGS.DATA (7x smaller)
        storage_compatibility_version: 'latest',
        ...(options.mergeRowGroups === false ? { max_vacuum_tasks: '0' } : {}),
        ...(options.readOnly ? { access_mode: 'READ_ONLY' } : {}),
      });
      return { instance, connection: await instance.connect() };
    } catch (error) {
      const message = (error as Error).message;
      if (LOCKED.test(message)) {
        if (Date.now() < deadline) {
          await sleep(delay);
          continue;
        }
        throw new WarehouseError(
          `the warehouse ${path} is in use by another process (${lockHolder(message)})`,
        );
      }
      throw new WarehouseError(`cannot open the warehouse ${path}: ${firstLine(message)}`);
    }
  }
}

/**
 * What DuckDB may hold in memory before it spills to disk (`--memory-limit`, PDI_MEMORY_LIMIT: a DuckDB size
 * such as 2.5GB), the same for the runtime and for dbt (runDbt passes it on), so that a large load or
 * transform stays in bounds.
 */
export function memoryLimit(): string {
  const value = settingText('memoryLimit');
  if (!isDuckdbSize(value)) {
    throw new WarehouseError(
      `${SETTINGS.memoryLimit.env}="${value}" is not a size DuckDB understands (e.g. 2.5GB, 800MB, 4GiB)`,
    );
  }
  return value;
}

/**
 * What DuckDB may spill to disk (its temporary folder, beside the warehouse) before a statement fails with a
 * clear error (`--max-temp-size`, PDI_MAX_TEMP_SIZE): a size, or a share of the disk's free space when the
 * process starts (default 50%, rounded down to a power of two), so that a build that cannot fit fails at once
 * instead of filling the disk.
 */
export function maxTempSize(warehousePath: string): string {
  const value = settingText('maxTempSize');
  if (isDuckdbSize(value)) return value;
  if (!isPercentage(value)) {
    throw new WarehouseError(
      `${SETTINGS.maxTempSize.env}="${value}" is neither a size (e.g. 20GB) nor a share of the free disk (e.g. 50%)`,
    );
  }
  const disk = statfsSync(dirname(warehousePath));
  const bytes = (disk.bavail * disk.bsize * Number.parseFloat(value)) / 100;
  return `${powerOfTwoBelow(Math.max(1, Math.floor(bytes / 2 ** 20)))}MiB`;
}

/**
 * 38,912 -> 32,768 (MiB: 38 GiB -> 32 GiB), at most the share asked for and at least half of it. dbt's profile
 * holds the figure, and dbt parses the whole project again whenever it changes: rounded this way, it changes
 * only when the free disk halves or doubles, not with every megabyte written (3.6 s of every build).
 */
function powerOfTwoBelow(n: number): number {
  return 2 ** Math.floor(Math.log2(n));
}

function lockHolder(message: string): string {
  return /PID (\d+)/.exec(message)?.[0] ?? 'another process holds its lock';
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
