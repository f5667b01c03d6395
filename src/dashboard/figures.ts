/**
 * The figures last read, by question: the API answers within a deadline whatever the warehouse is doing. A
 * question is asked of the warehouse each time; when the answer takes longer than the deadline (a heavy query,
 * or a build's copy taking the file's place), the last answer is given instead, with its age, and the fresh one
 * replaces it when it comes. Only a question never answered before has to wait, and then it is told the warehouse is busy.
 */
export interface Answer<T> {
  value: T;
  /** When the read that gave this answer began (ms): it holds what was committed by then. */
  readAtMs: number;
  /** false: an earlier answer, the warehouse being slower than the deadline. */
  fresh: boolean;
}

/** The warehouse gave no answer in time, and there is no earlier one. */
export class WarehouseBusyError extends Error {
  override name = 'WarehouseBusyError';
}

interface Entry {
  value?: unknown;
  readAtMs?: number;
  askedAtMs: number;
  reading?: Promise<unknown>;
  read: () => Promise<unknown>;
}

export class Figures {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly deadlineMs = 800,
    private readonly now: () => number = Date.now,
    /** Says why the warehouse may be slow, for the busy error (e.g. "dbt is building the models"). */
    private readonly busyReason: () => string | null = () => null,
  ) {}

  async get<T>(key: string, read: () => Promise<T>): Promise<Answer<T>> {
    const entry: Entry = this.entries.get(key) ?? { askedAtMs: 0, read };
    entry.askedAtMs = this.now();
    entry.read = read;
    this.entries.set(key, entry);
    const reading = this.refresh(entry);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), this.deadlineMs);
    });
    try {
      const outcome = await Promise.race([reading.then(() => 'read' as const), late]);
      if (outcome === 'read')
        return { value: entry.value as T, readAtMs: entry.readAtMs as number, fresh: true };
    } catch (error) {
      if (entry.readAtMs === undefined) throw error;
    } finally {
      clearTimeout(timer);
    }
    if (entry.readAtMs === undefined) {
      const reason = this.busyReason();
      throw new WarehouseBusyError(
        `the warehouse is busy${reason ? ` (${reason})` : ''}: try again in a few seconds`,
      );
    }
    return { value: entry.value as T, readAtMs: entry.readAtMs, fresh: false };
  }

  /** Asks again the questions asked within `withinMs` (after a dbt run, so that the next answers are new). */
  async refreshRecent(withinMs: number): Promise<void> {
    const since = this.now() - withinMs;
    const recent = [...this.entries.values()].filter((entry) => entry.askedAtMs >= since);
    await Promise.allSettled(recent.map((entry) => this.refresh(entry)));
    for (const [key, entry] of this.entries) if (entry.askedAtMs < since) this.entries.delete(key);
  }

  /** One read at a time per question: a slow read is shared by the requests that arrive meanwhile. */
  private refresh(entry: Entry): Promise<unknown> {
    if (!entry.reading) {
      const startedAtMs = this.now();
      entry.reading = entry
        .read()
        .then((value) => {
          entry.value = value;
          entry.readAtMs = startedAtMs;
          return value;
        })
        .finally(() => {
          entry.reading = undefined;
        });
      entry.reading.catch(() => {});
    }
    return entry.reading;
  }
}
