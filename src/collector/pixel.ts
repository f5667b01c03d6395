/** The 1x1 transparent GIF every accepted hit is answered with, as the original pixel did. */
export const PIXEL_GIF = Uint8Array.from(
  Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64'),
);

/** CORS: any page may send hits (they carry no credentials). */
export const CORS_HEADERS = {
  'access-control-allow-origin': '*',
} as const;

export const PIXEL_HEADERS: Record<string, string> = {
  'content-type': 'image/gif',
  'cache-control': 'no-cache, no-store, must-revalidate',
  ...CORS_HEADERS,
};

export const PREFLIGHT_HEADERS: Record<string, string> = {
  ...CORS_HEADERS,
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-max-age': '86400',
};
