/**
 * The API's query parameters, checked: each parser gives the value or a reason for a 400. Times are ISO 8601
 * (a date, or a date and time; UTC unless an offset is given); a range is `[from, to)`.
 */
export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

export type Grain = 'hour' | 'day';
export type TopBy = 'views' | 'adds' | 'purchases';

export interface Range {
  fromMs: number;
  toMs: number;
}

export const DAY_MS = 86_400_000;
/** Without `from`/`to`: the last 30 days for the daily grain, the last 24 hours for the hourly one. */
export const DEFAULT_SPAN_MS: Record<Grain, number> = { hour: DAY_MS, day: 30 * DAY_MS };
/** The longest range a request may ask for, so that one request cannot make the runtime read everything. */
export const MAX_SPAN_MS: Record<Grain, number> = { hour: 93 * DAY_MS, day: 5 * 366 * DAY_MS };
export const DEFAULT_TOP_LIMIT = 10;
export const MAX_TOP_LIMIT = 100;

const ISO_TIME = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** A point in time as the API accepts it; dates and times without an offset are UTC. */
export function parseTime(name: string, text: string): Parsed<number> {
  if (!ISO_TIME.test(text)) {
    return {
      ok: false,
      reason: `${name} must be an ISO 8601 date or time (2026-11-30, 2026-11-30T12:00Z), not '${text}'`,
    };
  }
  const normalized = text.replace(' ', 'T');
  const hasOffset = /(?:Z|[+-]\d{2}:?\d{2})$/.test(normalized) && normalized.includes('T');
  const ms = Date.parse(normalized.includes('T') && !hasOffset ? `${normalized}Z` : normalized);
  if (Number.isNaN(ms)) return { ok: false, reason: `${name} is not a valid date: '${text}'` };
  return { ok: true, value: ms };
}

/** `from` and `to`, each optional: a missing `to` is now, a missing `from` is `to` minus the default span. */
export function parseRange(
  query: Record<string, string | undefined>,
  nowMs: number,
  defaultSpanMs: number,
  maxSpanMs: number,
): Parsed<Range> {
  let toMs = nowMs;
  if (query.to !== undefined) {
    const to = parseTime('to', query.to);
    if (!to.ok) return to;
    toMs = to.value;
  }
  let fromMs = toMs - defaultSpanMs;
  if (query.from !== undefined) {
    const from = parseTime('from', query.from);
    if (!from.ok) return from;
    fromMs = from.value;
  }
  if (fromMs >= toMs) return { ok: false, reason: 'from must be before to' };
  if (toMs - fromMs > maxSpanMs) {
    return { ok: false, reason: `the range may span at most ${Math.round(maxSpanMs / DAY_MS)} days` };
  }
  return { ok: true, value: { fromMs, toMs } };
}

export function parseGrain(text: string | undefined): Parsed<Grain> {
  if (text === undefined) return { ok: false, reason: 'grain is required: hour or day' };
  if (text !== 'hour' && text !== 'day')
    return { ok: false, reason: `grain must be hour or day, not '${text}'` };
  return { ok: true, value: text };
}

export function parseTopBy(text: string | undefined): Parsed<TopBy> {
  if (text === undefined) return { ok: true, value: 'views' };
  if (text !== 'views' && text !== 'adds' && text !== 'purchases') {
    return { ok: false, reason: `by must be views, adds or purchases, not '${text}'` };
  }
  return { ok: true, value: text };
}

export function parseLimit(text: string | undefined): Parsed<number> {
  if (text === undefined) return { ok: true, value: DEFAULT_TOP_LIMIT };
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > MAX_TOP_LIMIT) {
    return { ok: false, reason: `limit must be a whole number from 1 to ${MAX_TOP_LIMIT}, not '${text}'` };
  }
  return { ok: true, value: Number(text) };
}

/** Parameters the route does not know: a typo (`grian=`) should not be answered as if it were absent. */
export function unknownParameters(
  query: Record<string, string | undefined>,
  known: readonly string[],
): Parsed<null> {
  const unknown = Object.keys(query).filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    return {
      ok: false,
      reason: `unknown parameter${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')} (this route takes ${known.join(', ') || 'none'})`,
    };
  }
  return { ok: true, value: null };
}
