import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { collectorVariables, type InfraConfig } from '../settings.ts';

export interface CollectorArgs {
  /** dist/lambda/collector.zip (`npm run build:lambda`). */
  zipPath: string;
  dataStream: aws.kinesis.FirehoseDeliveryStream;
  errorsStream: aws.kinesis.FirehoseDeliveryStream;
  config: InfraConfig;
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
    const { config } = args;
    this.logGroup = new aws.cloudwatch.LogGroup(name, { retentionInDays: config.logRetentionDays }, parent);
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
        runtime: config.collectorRuntime,
        architectures: ['arm64'],
        memorySize: config.collectorMemoryMb,
        timeout: config.collectorTimeoutSeconds,
        role: role.arn,
        loggingConfig: { logFormat: 'Text', logGroup: this.logGroup.name },
        environment: {
          variables: collectorVariables(
            { data: args.dataStream.name, errors: args.errorsStream.name },
            config,
          ),
        },
      },
      { parent: this, dependsOn: [policy] },
    );
    this.registerOutputs({ functionName: this.function.name });
  }
}
