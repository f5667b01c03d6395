/**
 * Every setting that an environment variable can give: its variable, its default and what it means. The one
 * place each default lives: the commands, the collector, the stream and the warehouse read them from here.
 * Everywhere, a flag wins over the environment, which wins over the default.
 */
/**
 * What may wait for the collector's log, at most: it is held in the heap, up to four times over (text of two
 * bytes a character, joined once more for the write), and `./pdi` caps the heap at 1 GB.
 */
export const MAX_PENDING_BYTES = 128 * 1024 * 1024;

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
    doc: "'fsync': acknowledge once on disk (the log is opened O_DSYNC: fdatasync's guarantee; survives power loss); 'write': after write(2) (survives a crash of the process)",
  },
  maxPendingBytes: {
    env: 'PDI_MAX_PENDING_BYTES',
    default: String(64 * 1024 * 1024),
    doc: `bytes waiting for the log before answering 503 (at most ${MAX_PENDING_BYTES}: they are held in memory)`,
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
  firehoseStream: {
    env: 'PDI_FIREHOSE_STREAM',
    default: '',
    doc: 'the Lambda collector: the Firehose delivery stream of accepted hits (into stream_data/); required there',
  },
  firehoseErrorsStream: {
    env: 'PDI_FIREHOSE_ERRORS_STREAM',
    default: '',
    doc: 'the Lambda collector: the Firehose delivery stream of refused hits (into stream_errors/); required there',
  },
  firehoseDeadlineMs: {
    env: 'PDI_FIREHOSE_DEADLINE_MS',
    default: '5000',
    doc: "the Lambda collector: how long a hit may wait for Firehose before a 503 (ms); below the function's timeout",
  },
  lake: {
    env: 'PDI_LAKE',
    default: 'HOME/lake',
    doc: 'the lake that load and replay read: a folder, or s3://BUCKET[/PREFIX] (AWS_REGION, credentials, AWS_ENDPOINT_URL_S3)',
  },
  target: {
    env: 'PDI_TARGET',
    default: 'duckdb',
    doc: "the warehouse of load, transform and sql: 'duckdb' (embedded, HOME/warehouse.duckdb) or 'snowflake' (SNOWFLAKE_*)",
  },
  snowflakeUserAgents: {
    env: 'PDI_SNOWFLAKE_USER_AGENTS',
    default: 'udf',
    doc: "how Snowflake parses user agents: 'udf' (the JavaScript UDF RAW.PARSE_USER_AGENT) or 'lookup' (RAW.USER_AGENT_LOOKUP, filled by ./pdi load: for a stand-in that cannot run a UDF)",
  },
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

/**
 * The Snowflake account that `--target snowflake` works on (load, transform, sql): Snowflake's own variable
 * names, as its tools read them. HOST, PORT and PROTOCOL point at another endpoint (a local stand-in).
 */
export const SNOWFLAKE_SETTINGS = {
  account: { env: 'SNOWFLAKE_ACCOUNT', doc: 'account identifier (orgname-accountname)' },
  user: { env: 'SNOWFLAKE_USER', doc: 'user to log in as' },
  password: { env: 'SNOWFLAKE_PASSWORD', doc: 'its password (or SNOWFLAKE_PRIVATE_KEY_PATH)' },
  privateKeyPath: {
    env: 'SNOWFLAKE_PRIVATE_KEY_PATH',
    doc: 'a key pair instead of a password: the private key (PEM)',
  },
  privateKeyPassphrase: {
    env: 'SNOWFLAKE_PRIVATE_KEY_PASSPHRASE',
    doc: 'the private key’s passphrase, if any',
  },
  role: { env: 'SNOWFLAKE_ROLE', doc: 'role to use (default: the user’s default role)' },
  database: {
    env: 'SNOWFLAKE_DATABASE',
    doc: 'database of RAW, EVENTS, EVENTS_LIVE and STATS',
    default: 'PAAS_DATA_INGESTION',
  },
  warehouse: {
    env: 'SNOWFLAKE_WAREHOUSE',
    doc: 'virtual warehouse that runs the queries',
    default: 'PAAS_DATA_INGESTION_WH',
  },
  host: { env: 'SNOWFLAKE_HOST', doc: 'another endpoint than the account’s (a local stand-in)' },
  port: { env: 'SNOWFLAKE_PORT', doc: 'its port' },
  protocol: { env: 'SNOWFLAKE_PROTOCOL', doc: 'its protocol: https (default) or http' },
} as const;
