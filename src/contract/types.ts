/** The hit's parameters as the client sent them: GA Measurement Protocol v1 names (`t`, `cid`, `pr1id`, …). */
export type HitParams = Record<string, HitValue>;
export type HitValue = string | number | boolean;

/** Why a hit or a request was refused; also the `error.reason` of records under `stream_errors/`. */
export type RejectReason =
  | 'invalid_hit'
  | 'missing_hit_type'
  | 'missing_client_id'
  | 'too_large'
  | 'unsupported_content_type'
  | 'bot';

/** A refused hit: the HTTP status to answer and a reason a client can act on. */
export interface HitRejection {
  status: 400 | 413 | 415;
  reason: RejectReason;
  message: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; rejection: HitRejection };

/** What the server knows about the request, independently of the hit. */
export interface RequestInfo {
  /** Server-generated, time-ordered (UUID v7). */
  id: string;
  /** Epoch milliseconds when the request was received. */
  timestamp: number;
  hostname: string;
  path: string;
  method: string;
  /** Lower-cased request headers, without credentials (cookie, authorization). */
  headers: Record<string, string>;
  /** The TCP peer's address (or API Gateway's sourceIp). */
  sourceIp: string | null;
}

/** One accepted hit, one line of the stream (spec §1). */
export interface StreamRecord {
  service: { id: string };
  context: {
    user_ip: string | null;
    user_agent: string | null;
    document_location: string | null;
    document_referrer: string | null;
    client_id: string | null;
    user_id: string | null;
  };
  request: {
    id: string;
    timestamp: number;
    hostname: string;
    path: string;
    method: string;
    headers: Record<string, string>;
    body: HitParams;
  };
  response: {
    id: string;
    timestamp: number;
    statusCode: number;
    headers: Record<string, string>;
  };
}

/** One refused hit, one line under `stream_errors/`: nothing sent to us is dropped silently. */
export interface ErrorRecord {
  service: { id: string };
  error: {
    reason: RejectReason;
    message: string;
    /** The hit's line in a `/batch` body, 1-based. */
    line: number | null;
  };
  request: {
    id: string;
    timestamp: number;
    hostname: string;
    path: string;
    method: string;
    headers: Record<string, string>;
    source_ip: string | null;
    /** The hit as received (query string or body text), cut at `raw_limit_bytes`. */
    raw: string;
    raw_bytes: number;
    raw_truncated: boolean;
  };
}

/** One non-blank line of a `/batch` body: its own hit, accepted or refused on its own. */
export interface BatchLine {
  /** The line's number in the body, 1-based, counting blank lines. */
  line: number;
  /** The line as received, without its line terminator (invalid UTF-8 shown as U+FFFD). */
  raw: string;
  hit: Parsed<HitParams>;
}

/** What the server answered, as stored in `response` (its id is the request's). */
export interface ResponseInfo {
  /** Epoch milliseconds when the answer was produced. */
  timestamp: number;
  statusCode: number;
  headers: Record<string, string>;
}

export interface RecordOptions {
  /** Store no full IP address: the context's, the `uip` parameter's and the forwarding headers' are truncated. */
  anonymizeIp: boolean;
}
