import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';

export interface CollectorArgs {
  /** dist/lambda/collector.zip (`npm run build:lambda`). */
  zipPath: string;
  dataStream: aws.kinesis.FirehoseDeliveryStream;
  errorsStream: aws.kinesis.FirehoseDeliveryStream;
  memoryMb: number;
  timeoutSeconds: number;
  runtime: string;
  logRetentionDays: number;
  anonymizeIp: boolean;
  divertBots: boolean;
  logLevel: string;
}

/**
 * The collector function (arm64: the bundle is plain JavaScript), its log group, and a role that may only put
 * records on the two delivery streams and write its own logs.
 */
export class Collector extends pulumi.ComponentResource {
  readonly function: aws.lambda.Function;
  readonly logGroup: aws.cloudwatch.LogGroup;

  constructor(name: string, args: CollectorArgs, opts?: pulumi.ComponentResourceOptions) {
    super('pdi:aws:Collector', name, {}, opts);
    const parent = { parent: this };
    this.logGroup = new aws.cloudwatch.LogGroup(name, { retentionInDays: args.logRetentionDays }, parent);
    const role = new aws.iam.Role(
      name,
      {
        assumeRolePolicy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
          ],
        }),
      },
      parent,
    );
    const policy = new aws.iam.RolePolicy(
      name,
      {
        role: role.id,
        policy: pulumi
          .all([args.dataStream.arn, args.errorsStream.arn, this.logGroup.arn])
          .apply(([dataArn, errorsArn, logGroupArn]) =>
            JSON.stringify({
              Version: '2012-10-17',
              Statement: [
                {
                  Effect: 'Allow',
                  Action: ['firehose:PutRecordBatch', 'firehose:PutRecord'],
                  Resource: [dataArn, errorsArn],
                },
                {
                  Effect: 'Allow',
                  Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
                  Resource: [`${logGroupArn}:*`],
                },
              ],
            }),
          ),
      },
      parent,
    );
    this.function = new aws.lambda.Function(
      name,
      {
        code: new pulumi.asset.FileArchive(args.zipPath),
        handler: 'index.handler',
        runtime: args.runtime,
        architectures: ['arm64'],
        memorySize: args.memoryMb,
        timeout: args.timeoutSeconds,
        role: role.arn,
        loggingConfig: { logFormat: 'Text', logGroup: this.logGroup.name },
        environment: {
          variables: {
            PDI_FIREHOSE_STREAM: args.dataStream.name,
            PDI_FIREHOSE_ERRORS_STREAM: args.errorsStream.name,
            // a hit gives up on Firehose (503) before the function times out
            PDI_FIREHOSE_DEADLINE_MS: String(Math.max(1000, (args.timeoutSeconds - 2) * 1000)),
            PDI_ANONYMIZE_IP: String(args.anonymizeIp),
            PDI_DIVERT_BOTS: String(args.divertBots),
            PDI_LOG_LEVEL: args.logLevel,
          },
        },
      },
      { parent: this, dependsOn: [policy] },
    );
    this.registerOutputs({ functionName: this.function.name });
  }
}
