import * as pulumi from '@pulumi/pulumi';

/** The stack's settings (`pulumi config`, namespace `pdi`), each with its default: see Pulumi.example.yaml. */
export interface InfraConfig {
  bucketName?: string;
  errorsRetentionDays: number;
  forceDestroyBucket: boolean;
  bufferSeconds: number;
  bufferMegabytes: number;
  collectorMemoryMb: number;
  collectorTimeoutSeconds: number;
  collectorRuntime: string;
  logRetentionDays: number;
  anonymizeIp: boolean;
  divertBots: boolean;
  logLevel: string;
  throttlingRateLimit: number;
  throttlingBurstLimit: number;
}

export function readConfig(config = new pulumi.Config('pdi')): InfraConfig {
  return {
    bucketName: config.get('bucketName') || undefined,
    errorsRetentionDays: config.getNumber('errorsRetentionDays', { min: 1 }) ?? 30,
    forceDestroyBucket: config.getBoolean('forceDestroyBucket') ?? false,
    bufferSeconds: config.getNumber('bufferSeconds', { min: 0, max: 900 }) ?? 60,
    bufferMegabytes: config.getNumber('bufferMegabytes', { min: 1, max: 128 }) ?? 10,
    collectorMemoryMb: config.getNumber('collectorMemoryMb', { min: 128, max: 10240 }) ?? 256,
    collectorTimeoutSeconds: config.getNumber('collectorTimeoutSeconds', { min: 3, max: 30 }) ?? 10,
    // Node 20 has reached its end of life and Lambda's deprecation; the bundle targets Node 20's syntax, so
    // it runs on either
    collectorRuntime: config.get('collectorRuntime') ?? 'nodejs22.x',
    logRetentionDays: config.getNumber('logRetentionDays', { min: 1 }) ?? 14,
    anonymizeIp: config.getBoolean('anonymizeIp') ?? false,
    divertBots: config.getBoolean('divertBots') ?? false,
    logLevel: config.get('logLevel') ?? 'info',
    throttlingRateLimit: config.getNumber('throttlingRateLimit', { min: 1 }) ?? 1000,
    throttlingBurstLimit: config.getNumber('throttlingBurstLimit', { min: 1 }) ?? 2000,
  };
}
