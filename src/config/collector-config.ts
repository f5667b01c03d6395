import { z } from 'zod';
import { type HomeLayout, homeLayout } from './home.ts';
import { MAX_PENDING_BYTES, SETTINGS } from './settings.ts';

const booleanText = z
  .union([z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no'])])
  .transform((v) => v === true || v === 'true' || v === '1' || v === 'yes');

const integerText = (min: number, max: number, overMax?: string) =>
  z.coerce.number().int().min(min).max(max, overMax);

const schema = z.object({
  home: z.string().min(1),
  host: z.string().min(1),
  port: integerText(0, 65535),
  bufferBytes: integerText(1024, 1024 * 1024 * 1024),
  bufferSeconds: z.coerce.number().positive().max(3600),
  durability: z.enum(['fsync', 'write']),
  maxPendingBytes: integerText(
    64 * 1024,
    MAX_PENDING_BYTES,
    `at most ${MAX_PENDING_BYTES} (${MAX_PENDING_BYTES / 2 ** 20} MiB): what waits for the log is held in the collector's memory`,
  ),
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
  const parsed = checked(schema, raw);
  return { ...parsed, ...homeLayout(parsed.home) };
}

const lambdaSchema = z.object({
  firehoseStream: z.string().min(1, 'required: the name of the delivery stream'),
  firehoseErrorsStream: z.string().min(1, 'required: the name of the delivery stream'),
  firehoseDeadlineMs: integerText(100, 15 * 60 * 1000),
  anonymizeIp: booleanText,
  divertBots: booleanText,
  logLevel: schema.shape.logLevel,
});

type LambdaSettingName = keyof typeof lambdaSchema.shape;
export type LambdaCollectorConfig = z.infer<typeof lambdaSchema>;

/** The Lambda collector's settings, from its environment (a function has no flags) or the defaults. */
export function resolveLambdaConfig(env: NodeJS.ProcessEnv): LambdaCollectorConfig {
  const raw: Record<string, unknown> = {};
  for (const name of Object.keys(lambdaSchema.shape) as LambdaSettingName[]) {
    raw[name] = env[SETTINGS[name].env] ?? SETTINGS[name].default;
  }
  return checked(lambdaSchema, raw);
}

/** The settings `raw` (by name) validated by `settingsSchema`, or a ConfigError naming each bad one and its variable. */
function checked<S extends z.ZodObject>(settingsSchema: S, raw: Record<string, unknown>): z.infer<S> {
  const parsed = settingsSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const name = String(issue.path[0]) as keyof typeof SETTINGS;
    return `${name} (${SETTINGS[name].env}=${JSON.stringify(raw[name])}): ${issue.message}`;
  });
  throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);
}
