import { z } from 'zod';
import { type HomeLayout, homeLayout } from './home.ts';
import { SETTINGS } from './settings.ts';

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

export type CollectorSettingName = keyof typeof schema.shape;

/** The collector's settings: those of SETTINGS that its schema validates, once, at start. */
export const COLLECTOR_SETTINGS = Object.fromEntries(
  Object.keys(schema.shape).map((name) => [name, SETTINGS[name as CollectorSettingName]]),
) as Pick<typeof SETTINGS, CollectorSettingName>;

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
