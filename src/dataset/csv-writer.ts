import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';

/** Buffered CSV output with back-pressure: memory stays flat whatever the size. */
export class CsvWriter {
  private readonly stream: WriteStream;
  private buffer = '';

  constructor(file: string, columns: readonly string[]) {
    this.stream = createWriteStream(file);
    this.buffer = `${columns.join(',')}\n`;
  }

  async write(text: string): Promise<void> {
    this.buffer += text;
    if (this.buffer.length >= 1 << 16) {
      const ok = this.stream.write(this.buffer);
      this.buffer = '';
      if (!ok) await once(this.stream, 'drain');
    }
  }

  async end(): Promise<void> {
    this.stream.end(this.buffer);
    this.buffer = '';
    await once(this.stream, 'finish');
  }
}
