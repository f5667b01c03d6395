/**
 * Google Analytics Measurement Protocol v1 limits, enforced as GA did
 * (https://developers.google.com/analytics/devguides/collection/protocol/v1/reference#using-post).
 */

/** Largest `/collect` POST body, and largest single hit (line) of a `/batch` body. */
export const MAX_HIT_BYTES = 8192;
/** Largest query string of a `GET /collect` (an `<img>` pixel), in UTF-8 bytes, without the `?`. */
export const MAX_URL_QUERY_BYTES = 8000;
/** Largest `/batch` POST body. */
export const MAX_BATCH_BYTES = 16384;
/** Most hits (non-blank lines) in one `/batch` body. */
export const MAX_BATCH_HITS = 20;
/** How much of a refused hit an error record keeps by default. */
export const DEFAULT_RAW_LIMIT_BYTES = 16384;
