/**
 * Realistic Google Analytics (Measurement Protocol v1) hits of an e-commerce site, the same on every run
 * (seeded): 70% pageviews, 27% product detail events, 1% each of add to cart, remove from cart, purchase.
 *
 * A hit is kept without its `z` (cache buster): the load generator appends a unique `&z=` to each hit it
 * sends, since the lake's consumers dedup on (cid, z).
 */

export type HitKind = 'pageview' | 'detail' | 'add' | 'remove' | 'purchase';

export interface Hit {
  kind: HitKind;
  /** URL-encoded parameters, without `z`. */
  params: string;
}

/** GA's limits on `/batch`, as the collector enforces them. */
export const BATCH_MAX_HITS = 20;
export const BATCH_MAX_BYTES = 16 * 1024;
/** Room kept in a batch for the `&z=<id>` appended to each of its hits. */
const Z_RESERVE_BYTES = '&z='.length + 12;

const SITE = 'https://www.shop.example.com';
const PROPERTY = 'UA-118462135-1';

const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.67',
  'Mozilla/5.0 (Linux; Android 13; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.6312.118 Mobile Safari/537.36',
];
const LANGUAGES = ['en-us', 'en-gb', 'it-it', 'de-de', 'fr-fr', 'es-es'];
const SCREENS = ['1920x1080', '1536x864', '1440x900', '2560x1440', '390x844', '412x915', '414x896'];
const DEPTHS = ['24-bit', '24-bit', '24-bit', '30-bit'];
const SEARCH_REFERRERS = ['https://www.google.com/', 'https://www.bing.com/', 'https://duckduckgo.com/'];
const WORDS = [
  'linen',
  'shirt',
  'dress',
  'trail',
  'runner',
  'wool',
  'coat',
  'slim',
  'denim',
  'leather',
  'bag',
  'classic',
];
const CATEGORIES = ['women', 'men', 'kids', 'shoes', 'accessories', 'home', 'sale'];

/** Small, fast, seeded PRNG (mulberry32): the same hits on every run and machine. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Product {
  id: string;
  category: string;
  price: string;
  path: string;
}

interface Visitor {
  cid: string;
  ua: string;
  ul: string;
  sr: string;
  sd: string;
  page: string;
  hitCount: number;
}

/** `count` hits, the same for the same seed. */
export function makeHits(count = 4000, seed = 20240601): Hit[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const hex = (length: number) =>
    Array.from({ length }, () => Math.floor(random() * 16).toString(16)).join('');
  const uuid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-${pick(['8', '9', 'a', 'b'])}${hex(3)}-${hex(12)}`;

  const products: Product[] = Array.from({ length: 500 }, () => {
    const slug = `${pick(WORDS)}-${pick(WORDS)}-${pick(WORDS)}`;
    return {
      id: hex(64),
      category: `${hex(32)}/${hex(32)}`,
      price: (5 + Math.floor(random() * 400) / 2).toFixed(1),
      path: `/${pick(CATEGORIES)}/${slug}-${Math.floor(100000 + random() * 900000)}.html`,
    };
  });
  const visitors: Visitor[] = Array.from({ length: Math.max(1, Math.ceil(count / 8)) }, () => ({
    cid: uuid(),
    ua: pick(USER_AGENTS),
    ul: pick(LANGUAGES),
    sr: pick(SCREENS),
    sd: pick(DEPTHS),
    page: '',
    hitCount: 0,
  }));

  const hits: Hit[] = [];
  for (let i = 0; i < count; i++) {
    const visitor = pick(visitors);
    const product = pick(products);
    const kind = pickKind(random());
    const referrer = visitor.page || pick(SEARCH_REFERRERS);
    const [page, title] =
      kind === 'pageview'
        ? pageview(random(), product, pick(CATEGORIES))
        : [visitor.page || `${SITE}${product.path}`, ''];
    const params: [string, string][] = [
      ['v', '1'],
      ['tid', PROPERTY],
      ['cid', visitor.cid],
      ['t', kind === 'pageview' ? 'pageview' : 'event'],
      ['dl', page],
      ['dr', referrer],
      ['ul', visitor.ul],
      ['sr', visitor.sr],
      ['sd', visitor.sd],
      ['de', 'UTF-8'],
      ['ua', visitor.ua],
      ...(title ? ([['dt', title]] as [string, string][]) : []),
      ['_s', String(++visitor.hitCount)],
      ...productParams(kind, product, hex),
    ];
    visitor.page = page;
    hits.push({ kind, params: params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&') });
  }
  return hits;
}

function pickKind(r: number): HitKind {
  if (r < 0.7) return 'pageview';
  if (r < 0.97) return 'detail';
  if (r < 0.98) return 'add';
  if (r < 0.99) return 'remove';
  return 'purchase';
}

/** Where a pageview happens, and the page's title: a product, a category, a search or the home page. */
function pageview(r: number, product: Product, category: string): [string, string] {
  const name = titleCase(product.path.split('/')[2]?.replace(/-\d+\.html$/, '') ?? '');
  if (r < 0.5) return [`${SITE}${product.path}`, `${name} | Shop Example`];
  if (r < 0.8)
    return [
      `${SITE}/${category}/?page=${Math.floor(r * 10)}&sort=popular`,
      `${titleCase(category)} | Shop Example`,
    ];
  const query = name.split(' ')[0]?.toLowerCase() ?? '';
  if (r < 0.9) return [`${SITE}/search?q=${query}`, `Search results for "${query}" | Shop Example`];
  return [`${SITE}/`, 'Shop Example: clothes, shoes and accessories'];
}

function titleCase(words: string): string {
  return words
    .split('-')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(' ');
}

function productParams(kind: HitKind, product: Product, hex: (length: number) => string): [string, string][] {
  if (kind === 'pageview') return [];
  const item: [string, string][] = [
    ['pr1id', product.id],
    ['pr1pr', product.price],
    ['pr1ca', product.category],
  ];
  const event: [string, string][] = [
    ['ec', 'ecommerce'],
    ['ea', kind],
    ['ni', kind === 'detail' ? '1' : '0'],
    ['pa', kind],
  ];
  if (kind === 'detail') return [...event, ...item];
  if (kind === 'purchase') return [...event, ['ti', hex(16)], ['tr', product.price], ...item, ['pr1qt', '1']];
  return [...event, ...item, ['pr1qt', '1']];
}

/** The hit with its unique cache buster: one line of a `/collect` or `/batch` body. */
export function withZ(params: string, z: number): string {
  return `${params}&z=${z}`;
}

/** Consecutive groups of `size` hits, each fitting a `/batch` body (with its `z`s) under 16 KB. */
export function makeBatches(hits: readonly Hit[], size = BATCH_MAX_HITS): string[][] {
  if (size > BATCH_MAX_HITS) throw new Error(`a batch holds at most ${BATCH_MAX_HITS} hits`);
  const batches: string[][] = [];
  for (let at = 0; at + size <= hits.length; at += size) {
    const lines = hits.slice(at, at + size).map((hit) => hit.params);
    const bytes = lines.reduce((sum, line) => sum + Buffer.byteLength(line) + Z_RESERVE_BYTES + 1, 0);
    if (bytes > BATCH_MAX_BYTES) throw new Error(`batch at hit ${at} would be ${bytes} bytes, over 16 KB`);
    batches.push(lines);
  }
  return batches;
}

/** The bodies the load generators send in turn: one hit each, or batches of `hitsPerRequest`. */
export function requestBodies(hitsPerRequest: number): string[][] {
  const hits = makeHits(4000);
  return hitsPerRequest === 1 ? hits.map((hit) => [hit.params]) : makeBatches(hits, hitsPerRequest);
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Load is only sent to this machine. */
export function checkLoopback(url: string): void {
  if (!LOOPBACK.has(new URL(url).hostname)) throw new Error(`load is only sent to this machine, not ${url}`);
}
