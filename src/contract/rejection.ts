import type { HitParams, HitRejection, Parsed, RejectReason } from './types.ts';

export function ok<T>(value: T): Parsed<T> {
  return { ok: true, value };
}

export function reject<T>(status: HitRejection['status'], reason: RejectReason, message: string): Parsed<T> {
  return { ok: false, rejection: { status, reason, message } };
}

/** A 400 `invalid_hit`: the hit cannot be read. */
export function invalid<T = HitParams>(message: string): Parsed<T> {
  return reject(400, 'invalid_hit', message);
}

export function tooLarge<T>(message: string): Parsed<T> {
  return reject(413, 'too_large', message);
}

export function unsupportedType<T>(message: string): Parsed<T> {
  return reject(415, 'unsupported_content_type', message);
}

const QUOTE_MAX_CHARS = 40;

/** A name or a snippet as shown in a message: quoted, control characters escaped, long ones cut. */
export function quote(text: string): string {
  const chars = Array.from(text);
  const shown = chars.length > QUOTE_MAX_CHARS ? `${chars.slice(0, QUOTE_MAX_CHARS).join('')}…` : text;
  const escaped = shown.replace(/\p{Cc}/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `'${escaped}'`;
}

/** True when the text holds a UTF-16 surrogate without its pair (not representable in UTF-8). */
export function hasLoneSurrogate(text: string): boolean {
  return /\p{Cs}/u.test(text);
}
