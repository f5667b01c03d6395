import { createReadStream } from 'node:fs';
import { access, type FileHandle, open, stat } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
import {
  BROWSING_COLUMNS,
  BROWSING_FILE,
  type BrowsingEvent,
  EVENT_TYPES,
  type EventType,
  PRODUCT_ACTIONS,
  type ProductAction,
  SEARCH_COLUMNS,
  SEARCH_FILE,
  type SearchEvent,
  SKU_COLUMNS,
  SKU_FILE,
  type SkuContent,
} from './format.ts';

/** A malformed dataset: names the file and the line, so that a user can look at it. */
export class DatasetError extends Error {
  override name = 'DatasetError';
  constructor(
    readonly file: string,
    readonly line: number | null,
    message: string,
  ) {
    super(line === null ? `${file}: ${message}` : `${file}:${line}: ${message}`);
  }
}

export interface DatasetFiles {
  browsing: string;
  sku: string;
  /** Optional in the folder. */
  search: string | null;
}

/** The dataset folder's files, checked to exist (search_train.csv is optional). */
export async function locateDataset(dir: string): Promise<DatasetFiles> {
  const exists = (file: string) =>
    access(file).then(
      () => true,
      () => false,
    );
  const browsing = path.join(dir, BROWSING_FILE);
  const sku = path.join(dir, SKU_FILE);
  const search = path.join(dir, SEARCH_FILE);
  for (const file of [browsing, sku]) {
    if (!(await exists(file))) {
      throw new DatasetError(file, null, `missing: a dataset folder holds ${BROWSING_FILE} and ${SKU_FILE}`);
    }
  }
  return { browsing, sku, search: (await exists(search)) ? search : null };
}

/** Streams a CSV file's rows with their line numbers, after checking its header. */
async function* csvRows(
  file: string,
  columns: readonly string[],
): AsyncGenerator<{ row: string[]; line: number }> {
  const parser = createReadStream(file).pipe(
    parse({ skip_empty_lines: true, relax_column_count: true, info: true, bom: true }),
  );
  let header = true;
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: string[];
      info: { lines: number };
    }>) {
      if (header) {
        header = false;
        if (record.join(',') !== columns.join(',')) {
          throw new DatasetError(
            file,
            info.lines,
            `unexpected header "${record.join(',')}", expected "${columns.join(',')}"`,
          );
        }
        continue;
      }
      if (record.length !== columns.length) {
        throw new DatasetError(
          file,
          info.lines,
          `expected ${columns.length} columns, found ${record.length}`,
        );
      }
      yield { row: record, line: info.lines };
    }
  } catch (error) {
    if (error instanceof DatasetError) throw error;
    const line = (error as { lines?: number }).lines ?? null;
    throw new DatasetError(file, line, (error as Error).message);
  }
  if (header) throw new DatasetError(file, null, 'empty file: no header');
}

/** Bytes [start, end) of a file that begin on a line start: the first of them is line `firstLine` (from 1). */
export interface LineRange {
  start: number;
  end: number;
  firstLine: number;
}

/**
 * Cuts a file into about `parts` ranges of whole lines, of similar sizes, with their first line numbers
 * (counted in one pass over the file), so that several readers can share it. A range starts on a row whose
 * session and time both differ from the row before it: identical rows (same session, same time) never
 * straddle two ranges, so that each reader numbers them as a reader of the whole file would.
 */
export async function splitLines(file: string, parts: number): Promise<LineRange[]> {
  const size = (await stat(file)).size;
  const starts = [0];
  const handle = await open(file);
  try {
    for (let i = 1; i < parts; i++) {
      const wanted = Math.max(Math.floor((i * size) / parts), (starts.at(-1) as number) + 1);
      const start = await rowBoundaryFrom(handle, wanted);
      if (start < size && start > (starts.at(-1) as number)) starts.push(start);
    }
  } finally {
    await handle.close();
  }
  const firstLines = await lineNumbersAt(file, starts);
  return starts.map((start, i) => ({
    start,
    end: starts[i + 1] ?? size,
    firstLine: firstLines[i] as number,
  }));
}

/** The first line starting at or after byte `from` whose row's session and time differ from the row before. */
async function rowBoundaryFrom(handle: FileHandle, from: number): Promise<number> {
  let previous: { session: string; time: string } | null = null;
  let partial = true;
  // from the byte before: when it ends a line, the "line" it closes is empty and the next starts at `from`
  for await (const line of linesFrom(handle, from - 1)) {
    if (partial) {
      partial = false;
      continue;
    }
    if (line.text.trim() === '') continue;
    const [session = '', , , , time = ''] = line.text.split(',', 5);
    if (previous && session !== previous.session && time !== previous.time) return line.start;
    previous = { session, time };
  }
  return Number.POSITIVE_INFINITY;
}

/** The lines of a file from byte `from` on, with the byte each starts at (latin1: a byte per character). */
async function* linesFrom(handle: FileHandle, from: number): AsyncGenerator<{ start: number; text: string }> {
  const block = Buffer.alloc(1 << 16);
  let pending = '';
  let pendingStart = from;
  let position = from;
  for (;;) {
    const { bytesRead } = await handle.read(block, 0, block.length, position);
    if (bytesRead === 0) break;
    position += bytesRead;
    const text = pending + block.toString('latin1', 0, bytesRead);
    let start = 0;
    for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
      yield { start: pendingStart + start, text: text.slice(start, end) };
      start = end + 1;
    }
    pending = text.slice(start);
    pendingStart += start;
  }
  if (pending !== '') yield { start: pendingStart, text: pending };
}

/** The line number (from 1) of each of `offsets` (line starts, ascending), in one pass over the file. */
async function lineNumbersAt(file: string, offsets: number[]): Promise<number[]> {
  const numbers: number[] = [];
  let offset = 0;
  let newlines = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    let at = 0;
    // the offsets in this chunk: the newlines before each
    while (numbers.length < offsets.length && (offsets[numbers.length] as number) <= offset + chunk.length) {
      const stop = (offsets[numbers.length] as number) - offset;
      newlines += newlinesIn(chunk, at, stop);
      numbers.push(newlines + 1);
      at = stop;
    }
    if (numbers.length === offsets.length) break;
    newlines += newlinesIn(chunk, at, chunk.length);
    offset += chunk.length;
  }
  while (numbers.length < offsets.length) numbers.push(newlines + 1);
  return numbers;
}

function newlinesIn(bytes: Buffer, from: number, to: number): number {
  let count = 0;
  for (let at = bytes.indexOf(10, from); at >= 0 && at < to; at = bytes.indexOf(10, at + 1)) count++;
  return count;
}

function timestampOf(file: string, line: number, text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0 || !/^\d+$/.test(text)) {
    throw new DatasetError(
      file,
      line,
      `server_timestamp_epoch_ms "${text}" is not an integer of milliseconds`,
    );
  }
  return value;
}

/**
 * browsing_train.csv, row by row, in file order, in bounded memory. Its rows never need quoting, so
 * lines are split by hand (30x faster than a general CSV parser, which matters at 36M rows); a line
 * with a quote goes through the CSV parser.
 */
export async function* readBrowsing(file: string, range?: LineRange): AsyncGenerator<BrowsingEvent> {
  // a range other than the first starts past the header, on the first byte of line `firstLine`
  let line = range ? range.firstLine - 1 : 0;
  let rest = '';
  let header = !range || range.start === 0;
  const stream = createReadStream(file, {
    encoding: 'utf8',
    highWaterMark: 1 << 20,
    ...(range ? { start: range.start, end: range.end - 1 } : {}),
  });
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      const text = rest + chunk;
      let start = 0;
      for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
        line++;
        const row = text.charCodeAt(end - 1) === 13 ? text.slice(start, end - 1) : text.slice(start, end);
        start = end + 1;
        if (header) {
          header = false;
          checkHeader(file, row.replace(/^\uFEFF/, ''), BROWSING_COLUMNS);
        } else if (row !== '') {
          yield browsingEvent(file, line, splitRow(file, line, row, BROWSING_COLUMNS.length));
        }
      }
      rest = text.slice(start);
    }
  } catch (error) {
    if (error instanceof DatasetError) throw error;
    throw new DatasetError(file, null, (error as Error).message);
  }
  if (rest !== '') {
    line++;
    if (header) checkHeader(file, rest.replace(/^\uFEFF/, ''), BROWSING_COLUMNS);
    else
      yield browsingEvent(file, line, splitRow(file, line, rest.replace(/\r$/, ''), BROWSING_COLUMNS.length));
    header = false;
  }
  if (header) throw new DatasetError(file, null, 'empty file: no header');
}

function checkHeader(file: string, row: string, columns: readonly string[]): void {
  if (row !== columns.join(',')) {
    throw new DatasetError(file, 1, `unexpected header "${row}", expected "${columns.join(',')}"`);
  }
}

function splitRow(file: string, line: number, row: string, columns: number): string[] {
  let fields: string[];
  if (row.includes('"')) {
    try {
      fields = (parseSync(row) as string[][])[0] ?? [];
    } catch (error) {
      throw new DatasetError(file, line, (error as Error).message);
    }
  } else {
    fields = row.split(',');
  }
  if (fields.length !== columns)
    throw new DatasetError(file, line, `expected ${columns} columns, found ${fields.length}`);
  return fields;
}

function browsingEvent(file: string, line: number, row: string[]): BrowsingEvent {
  const [session, type, action, sku, timestamp, url] = row as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (!session) throw new DatasetError(file, line, 'empty session_id_hash');
  if (type !== 'pageview' && type !== 'event_product') {
    throw new DatasetError(file, line, `event_type "${type}" is not one of ${EVENT_TYPES.join(', ')}`);
  }
  if (type === 'event_product' && !PRODUCT_ACTIONS.includes(action as ProductAction)) {
    throw new DatasetError(
      file,
      line,
      `product_action "${action}" is not one of ${PRODUCT_ACTIONS.join(', ')}`,
    );
  }
  if (type === 'pageview' && (action || sku)) {
    throw new DatasetError(file, line, 'a pageview has no product_action nor product_sku_hash');
  }
  return {
    sessionIdHash: session,
    eventType: type as EventType,
    productAction: type === 'event_product' ? (action as ProductAction) : null,
    productSkuHash: sku || null,
    timestampMs: timestampOf(file, line, timestamp),
    hashedUrl: url,
    line,
  };
}

const PRICE_BUCKET = /^(10|[1-9])\.0$/;

/** sku_to_content.csv as a lookup by SKU: 66k rows at full scale, the vectors left out. */
export async function readSkuCatalog(file: string): Promise<Map<string, SkuContent>> {
  const catalog = new Map<string, SkuContent>();
  for await (const { row, line } of csvRows(file, SKU_COLUMNS)) {
    const [sku, , category, , price] = row as [string, string, string, string, string];
    if (!sku) throw new DatasetError(file, line, 'empty product_sku_hash');
    if (price && !PRICE_BUCKET.test(price)) {
      throw new DatasetError(file, line, `price_bucket "${price}" is not one of 1.0 … 10.0`);
    }
    catalog.set(sku, { categoryHash: category || null, priceBucket: price || null });
  }
  return catalog;
}

/** search_train.csv, row by row. */
export async function* readSearch(file: string): AsyncGenerator<SearchEvent> {
  for await (const { row, line } of csvRows(file, SEARCH_COLUMNS)) {
    const [session, query, clicked, products, timestamp] = row as [string, string, string, string, string];
    if (!session) throw new DatasetError(file, line, 'empty session_id_hash');
    yield {
      sessionIdHash: session,
      queryVector: query || null,
      clickedSkusHash: clicked || null,
      productSkusHash: products || null,
      timestampMs: timestampOf(file, line, timestamp),
      line,
    };
  }
}
