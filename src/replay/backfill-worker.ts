/** A backfill part in a worker thread: posts `{ progress }` now and then, then `{ done }` or `{ error }`. */
import { parentPort, workerData } from 'node:worker_threads';
import { type BackfillPart, backfillPart } from './backfill-part.ts';

const port = parentPort;
if (!port) throw new Error('backfill-worker runs as a worker thread');
try {
  const done = await backfillPart(workerData as BackfillPart, (rows) => port.postMessage({ progress: rows }));
  port.postMessage({ done });
} catch (error) {
  port.postMessage({ error: { name: (error as Error).name, message: (error as Error).message } });
}
