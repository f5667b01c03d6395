import { z } from 'zod';
import { DEFAULT_HOME, type HomeLayout, homeLayout } from './home.ts';

/**
 * Every setting of the collector, its environment variable and its default.
 * Flags win over the environment; everything is validated once, at start.
 */
export const COLLECTOR_SETTINGS = {
  home: {
    env: 'PDI_HOME',
    default: DEFAULT_HOME,
    doc: 'home folder: the lake is HOME/lake, the log HOME/wal',
  },
  host: { env: 'PDI_HOST', default: '127.0.0.1', doc: 'address to listen on' },
  port: { env: 'PDI_PORT', default: '8080', doc: 'port to listen on (0 picks a free one)' },
  bufferBytes: {
    env: 'PDI_BUFFER_BYTES',
    default: String(10 * 1024 * 1024),
    doc: 'roll a lake object after this many bytes of NDJSON',
  },
  bufferSeconds: {
    env: 'PDI_BUFFER_SECONDS',
    default: '60',
    doc: 'roll a lake object after this many seconds',
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
} as const;

export type CollectorSettingName = keyof typeof COLLECTOR_SETTINGS;

const booleanText = z
  .union([z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no'])])
  .transform((v) => v === true || v === 'true' || v === '1' || v === 'yes');

const integerText = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const schema = z.object({
  home: z.string().min(1),
  host: z.string().min(1),
  port: integerText(0, 65535),
  bufferBytes: integerText(1024, 1024 * 1024 * 1024),
  bufferSeconds: z.coerce.number().positive().max(3600),
  durability: z.enum(['fsync', 'write']),
  maxPendingBytes: integerText(64 * 1024, 4 * 1024 * 1024 * 1024),
  anonymizeIp: booleanText,
  divertBots: booleanText,
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
});

export type CollectorConfig = Omit<z.infer<typeof schema>, 'home'> & HomeLayout;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Resolves the settings: flag, else environment variable, else default. */
export function resolveCollectorConfig(
  flags: Partial<Record<CollectorSettingName, string | number | boolean | undefined>>,
  env: NodeJS.ProcessEnv = process.env,
  defaults: Partial<Record<CollectorSettingName, string>> = {},
): CollectorConfig {
  const raw: Record<string, unknown> = {};
  for (const [key, setting] of Object.entries(COLLECTOR_SETTINGS)) {
    const name = key as CollectorSettingName;
    raw[name] = flags[name] ?? env[setting.env] ?? defaults[name] ?? setting.default;
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0]) as CollectorSettingName;
      const setting = COLLECTOR_SETTINGS[name];
      return `${name} (${setting.env}=${JSON.stringify(raw[name])}): ${issue.message}`;
    });
    throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  return { ...parsed.data, ...homeLayout(parsed.data.home) };
}
