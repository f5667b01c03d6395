/**
 * What the deployment declares that others must match: the lake's prefixes, the collector's routes, the
 * defaults of the stack's settings and the function's environment. Plain values (no Pulumi), so that the tests
 * can build the same deployment on an AWS stand-in.
 */

/** The lake's two prefixes, as Firehose writes them and the pipe (and Snowpipe) reads them. */
export const DATA_PREFIX = 'stream_data/';
export const ERRORS_PREFIX = 'stream_errors/';

/**
 * The collector's routes, and only them: nothing else reaches the function. The preflights are routed to the
 * function too, which answers them (and every answer's CORS headers) exactly as the Node server does; CORS
 * configured on the gateway would answer them itself, and rewrite those headers.
 */
export const COLLECTOR_ROUTES = [
  'GET /collect',
  'POST /collect',
  'POST /batch',
  'OPTIONS /collect',
  'OPTIONS /batch',
  'GET /healthz',
] as const;

/** The stack's settings (`pulumi config`, namespace `pdi`): see Pulumi.example.yaml. */
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
  /** false: the AWS half alone (the lake loaded into the embedded warehouse with `./pdi load --lake s3://…`) */
  snowflake: boolean;
  snowflakeDatabase: string;
  snowflakeWarehouse: string;
  snowflakeWarehouseSize: string;
  snowflakeAutoSuspendSeconds: number;
  /** empty: `<DATABASE>_RW` and `<DATABASE>_RO` */
  snowflakeReadWriteRole: string;
  snowflakeReadOnlyRole: string;
  /** the Snowflake user both roles are granted to (empty: none; grant them yourself) */
  snowflakeGrantee: string;
  /** the IAM role Snowflake assumes to read the lake (empty: paas-data-ingestion-snowflake-<stack>) */
  snowflakeLakeReaderRole: string;
}

export const DEFAULTS: InfraConfig = {
  errorsRetentionDays: 30,
  forceDestroyBucket: false,
  bufferSeconds: 60,
  bufferMegabytes: 10,
  collectorMemoryMb: 256,
  collectorTimeoutSeconds: 10,
  // Node 20 has reached its end of life and Lambda's deprecation; the bundle targets Node 20's syntax, so it
  // runs on either
  collectorRuntime: 'nodejs22.x',
  logRetentionDays: 14,
  anonymizeIp: false,
  divertBots: false,
  logLevel: 'info',
  throttlingRateLimit: 1000,
  throttlingBurstLimit: 2000,
  snowflake: true,
  snowflakeDatabase: 'PAAS_DATA_INGESTION',
  snowflakeWarehouse: 'PAAS_DATA_INGESTION_WH',
  snowflakeWarehouseSize: 'XSMALL',
  snowflakeAutoSuspendSeconds: 60,
  snowflakeReadWriteRole: '',
  snowflakeReadOnlyRole: '',
  snowflakeGrantee: '',
  snowflakeLakeReaderRole: '',
};

/** The collector function's environment (src/collector/adapters/aws-lambda.ts reads it). */
export function collectorVariables<Name>(
  streams: { data: Name; errors: Name },
  config: Pick<InfraConfig, 'collectorTimeoutSeconds' | 'anonymizeIp' | 'divertBots' | 'logLevel'>,
): Record<string, Name | string> {
  return {
    PDI_FIREHOSE_STREAM: streams.data,
    PDI_FIREHOSE_ERRORS_STREAM: streams.errors,
    // a hit gives up on Firehose (503) before the function times out
    PDI_FIREHOSE_DEADLINE_MS: String(Math.max(1000, (config.collectorTimeoutSeconds - 2) * 1000)),
    PDI_ANONYMIZE_IP: String(config.anonymizeIp),
    PDI_DIVERT_BOTS: String(config.divertBots),
    PDI_LOG_LEVEL: config.logLevel,
  };
}
