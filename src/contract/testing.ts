import { expect } from 'vitest';
import type { HitRejection, Parsed } from './types.ts';

/** Test helper: the value of an ok result (fails the test otherwise). */
export function okValue<T>(parsed: Parsed<T>): T {
  if (!parsed.ok)
    expect.fail(
      `expected ok, got ${parsed.rejection.status} ${parsed.rejection.reason}: ${parsed.rejection.message}`,
    );
  return parsed.value;
}

/** Test helper: the rejection of a failed result, checked against the expected status and reason. */
export function rejection<T>(
  parsed: Parsed<T>,
  status: HitRejection['status'],
  reason: HitRejection['reason'],
  message?: RegExp | string,
): HitRejection {
  if (parsed.ok)
    expect.fail(`expected a ${status} ${reason} rejection, got ok: ${JSON.stringify(parsed.value)}`);
  expect(parsed.rejection).toMatchObject({ status, reason });
  if (message !== undefined) expect(parsed.rejection.message).toMatch(message);
  return parsed.rejection;
}

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
