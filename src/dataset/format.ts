/**
 * The Coveo SIGIR eCom 2021 dataset's files, as a user who has them keeps them in one folder
 * (spec §4). Our generator writes the same format.
 */
export const BROWSING_FILE = 'browsing_train.csv';
export const SKU_FILE = 'sku_to_content.csv';
export const SEARCH_FILE = 'search_train.csv';

export const BROWSING_COLUMNS = [
  'session_id_hash',
  'event_type',
  'product_action',
  'product_sku_hash',
  'server_timestamp_epoch_ms',
  'hashed_url',
] as const;
export const SKU_COLUMNS = [
  'product_sku_hash',
  'description_vector',
  'category_hash',
  'image_vector',
  'price_bucket',
] as const;
export const SEARCH_COLUMNS = [
  'session_id_hash',
  'query_vector',
  'clicked_skus_hash',
  'product_skus_hash',
  'server_timestamp_epoch_ms',
] as const;

export const EVENT_TYPES = ['pageview', 'event_product'] as const;
export const PRODUCT_ACTIONS = ['detail', 'add', 'remove', 'purchase'] as const;

export type EventType = (typeof EVENT_TYPES)[number];
export type ProductAction = (typeof PRODUCT_ACTIONS)[number];

/** One row of browsing_train.csv. */
export interface BrowsingEvent {
  sessionIdHash: string;
  eventType: EventType;
  /** Set on `event_product` rows. */
  productAction: ProductAction | null;
  productSkuHash: string | null;
  timestampMs: number;
  hashedUrl: string;
  /** The row's line in the file (the header is line 1). */
  line: number;
}

/** What the pumper needs of sku_to_content.csv (the vectors are not sent). */
export interface SkuContent {
  categoryHash: string | null;
  /** `1.0` … `10.0` as in the file, or null for SKU-only rows. */
  priceBucket: string | null;
}

/** One row of search_train.csv. */
export interface SearchEvent {
  sessionIdHash: string;
  queryVector: string | null;
  clickedSkusHash: string | null;
  productSkusHash: string | null;
  timestampMs: number;
  line: number;
}
