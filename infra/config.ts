import * as pulumi from '@pulumi/pulumi';
import { DEFAULTS, type InfraConfig } from './settings.ts';

export type { InfraConfig };

/** The stack's settings (`pulumi config`, namespace `pdi`), each with its default (settings.ts). */
export function readConfig(config = new pulumi.Config('pdi')): InfraConfig {
  return {
    bucketName: config.get('bucketName') || undefined,
    errorsRetentionDays: config.getNumber('errorsRetentionDays', { min: 1 }) ?? DEFAULTS.errorsRetentionDays,
    forceDestroyBucket: config.getBoolean('forceDestroyBucket') ?? DEFAULTS.forceDestroyBucket,
    bufferSeconds: config.getNumber('bufferSeconds', { min: 0, max: 900 }) ?? DEFAULTS.bufferSeconds,
    bufferMegabytes: config.getNumber('bufferMegabytes', { min: 1, max: 128 }) ?? DEFAULTS.bufferMegabytes,
    collectorMemoryMb:
      config.getNumber('collectorMemoryMb', { min: 128, max: 10240 }) ?? DEFAULTS.collectorMemoryMb,
    collectorTimeoutSeconds:
      config.getNumber('collectorTimeoutSeconds', { min: 3, max: 30 }) ?? DEFAULTS.collectorTimeoutSeconds,
    collectorRuntime: config.get('collectorRuntime') ?? DEFAULTS.collectorRuntime,
    logRetentionDays: config.getNumber('logRetentionDays', { min: 1 }) ?? DEFAULTS.logRetentionDays,
    anonymizeIp: config.getBoolean('anonymizeIp') ?? DEFAULTS.anonymizeIp,
    divertBots: config.getBoolean('divertBots') ?? DEFAULTS.divertBots,
    logLevel: config.get('logLevel') ?? DEFAULTS.logLevel,
    throttlingRateLimit: config.getNumber('throttlingRateLimit', { min: 1 }) ?? DEFAULTS.throttlingRateLimit,
    throttlingBurstLimit:
      config.getNumber('throttlingBurstLimit', { min: 1 }) ?? DEFAULTS.throttlingBurstLimit,
    snowflake: config.getBoolean('snowflake') ?? DEFAULTS.snowflake,
    snowflakeDatabase: config.get('snowflakeDatabase') ?? DEFAULTS.snowflakeDatabase,
    snowflakeWarehouse: config.get('snowflakeWarehouse') ?? DEFAULTS.snowflakeWarehouse,
    snowflakeWarehouseSize: config.get('snowflakeWarehouseSize') ?? DEFAULTS.snowflakeWarehouseSize,
    snowflakeAutoSuspendSeconds:
      config.getNumber('snowflakeAutoSuspendSeconds', { min: 60 }) ?? DEFAULTS.snowflakeAutoSuspendSeconds,
    snowflakeReadWriteRole: config.get('snowflakeReadWriteRole') ?? DEFAULTS.snowflakeReadWriteRole,
    snowflakeReadOnlyRole: config.get('snowflakeReadOnlyRole') ?? DEFAULTS.snowflakeReadOnlyRole,
    snowflakeGrantee: config.get('snowflakeGrantee') ?? DEFAULTS.snowflakeGrantee,
    snowflakeLakeReaderRole: config.get('snowflakeLakeReaderRole') ?? DEFAULTS.snowflakeLakeReaderRole,
  };
}
