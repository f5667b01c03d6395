export { hourFolder, lakeTmpDir, publishLakeObject } from './lake-objects.ts';
export { readLakeRecords } from './lake-reader.ts';
export {
  type Durability,
  LocalStream,
  type LocalStreamOptions,
  type SegmentIo,
} from './local/local-stream.ts';
export { MemoryStream } from './memory-stream.ts';
export { type StreamSink, StreamUnavailableError } from './types.ts';
