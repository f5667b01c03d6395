/**
 * Every setting that an environment variable can give: its variable, its default and what it means. The one
 * place each default lives: the commands, the collector, the stream and the warehouse read them from here.
 * Everywhere, a flag wins over the environment, which wins over the default.
 */
export const SETTINGS = {
  home: {
    env: 'PDI_HOME',
    default: './.pdi',
    doc: 'home folder: the lake is HOME/lake, the log HOME/wal, the warehouse HOME/warehouse.duckdb',
  },
  host: { env: 'PDI_HOST', default: '127.0.0.1', doc: 'address to listen on' },
  port: { env: 'PDI_PORT', default: '8080', doc: 'port to listen on (0 picks a free one)' },
  bufferBytes: {
    env: 'PDI_BUFFER_BYTES',
    default: String(10 * 1024 * 1024),
    doc: 'roll a lake object after this many bytes of NDJSON (as Firehose)',
  },
  bufferSeconds: {
    env: 'PDI_BUFFER_SECONDS',
    default: '60',
    doc: 'roll a lake object after this many seconds (as Firehose)',
  },
  durability: {
    env: 'PDI_DURABILITY',
    default: 'fsync',
    doc: "'fsync': acknowledge after fdatasync (survives power loss); 'write': after write(2) (survives a crash of the process)",
  },
  maxPendingBytes: {
    env: 'PDI_MAX_PENDING_BYTES',
    default: String(64 * 1024 * 1024),
    doc: 'bytes waiting for the log before answering 503',
  },
  anonymizeIp: {
    env: 'PDI_ANONYMIZE_IP',
    default: 'false',
    doc: 'drop the last IPv4 octet / the last 80 bits of IPv6',
  },
  divertBots: {
    env: 'PDI_DIVERT_BOTS',
    default: 'false',
    doc: "divert hits of known bots to stream_errors/ with reason 'bot'",
  },
  logLevel: { env: 'PDI_LOG_LEVEL', default: 'info', doc: 'fatal, error, warn, info, debug or trace' },
  memoryLimit: {
    env: 'PDI_MEMORY_LIMIT',
    default: '2.5GB',
    doc: 'what DuckDB may hold in memory before it spills to disk (the pipe, queries and dbt alike)',
  },
  maxTempSize: {
    env: 'PDI_MAX_TEMP_SIZE',
    default: '50%',
    doc: 'what DuckDB may spill to disk beside the warehouse before a statement fails: a size, or a share of the free disk',
  },
} as const;

export type SettingName = keyof typeof SETTINGS;

/**
 * A setting as the user gave it: its environment variable, else the default (the commands put a flag's
 * value in the environment, so that child processes such as dbt see it too).
 */
export function settingText(name: SettingName): string {
  return process.env[SETTINGS[name].env] ?? SETTINGS[name].default;
}

/** A size as DuckDB's settings take it: 2.5GB, 800MB, 4GiB… */
export function isDuckdbSize(text: string): boolean {
  return /^\s*\d+(\.\d+)?\s*(b|kb|mb|gb|tb|kib|mib|gib|tib)\s*$/i.test(text);
}

/** A share of something, as a percentage: 50%, 12.5%… */
export function isPercentage(text: string): boolean {
  return (
    /^\s*\d+(\.\d+)?\s*%\s*$/.test(text) && Number.parseFloat(text) > 0 && Number.parseFloat(text) <= 100
  );
}
