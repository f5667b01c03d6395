const strictDecoder = new TextDecoder('utf-8', { fatal: true });
const lossyDecoder = new TextDecoder('utf-8', { ignoreBOM: true });
const encoder = new TextEncoder();

/** The text, or null when the bytes are not valid UTF-8. A leading byte order mark is dropped. */
export function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return strictDecoder.decode(bytes);
  } catch {
    return null;
  }
}

/** The text, with every invalid UTF-8 sequence replaced by U+FFFD. */
export function decodeUtf8Lossy(bytes: Uint8Array): string {
  return lossyDecoder.decode(bytes);
}

export function encodeUtf8(text: string): Uint8Array {
  return encoder.encode(text);
}

export function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/**
 * The largest length <= `limit` that does not split a UTF-8 character: backs up over at most three
 * continuation bytes (invalid data with longer runs is cut at `limit`).
 */
export function utf8CutPoint(bytes: Uint8Array, limit: number): number {
  if (limit >= bytes.byteLength) return bytes.byteLength;
  let cut = limit;
  while (cut > 0 && cut > limit - 3 && isContinuation(bytes[cut])) cut--;
  return isContinuation(bytes[cut]) ? limit : cut;
}

function isContinuation(byte: number | undefined): boolean {
  return byte !== undefined && (byte & 0xc0) === 0x80;
}
