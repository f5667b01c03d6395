import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { DATA_PREFIX, ERRORS_PREFIX } from '../settings.ts';

export interface StreamArgs {
  bucket: aws.s3.Bucket;
  bufferSeconds: number;
  bufferMegabytes: number;
}

/**
 * The two Kinesis Data Firehose delivery streams the collector puts records on: accepted hits into
 * `stream_data/`, refused ones into `stream_errors/`, each as GZIP objects under Firehose's own
 * `YYYY/MM/DD/HH/` folders, each with a role that may only write its own prefix of the lake.
 */
export class Stream extends pulumi.ComponentResource {
  readonly data: aws.kinesis.FirehoseDeliveryStream;
  readonly errors: aws.kinesis.FirehoseDeliveryStream;

  constructor(name: string, args: StreamArgs, opts?: pulumi.ComponentResourceOptions) {
    super('pdi:aws:Stream', name, {}, opts);
    this.data = this.deliveryStream(`${name}-data`, DATA_PREFIX, args);
    this.errors = this.deliveryStream(`${name}-errors`, ERRORS_PREFIX, args);
    this.registerOutputs({ dataStreamName: this.data.name, errorsStreamName: this.errors.name });
  }

  private deliveryStream(name: string, prefix: string, args: StreamArgs): aws.kinesis.FirehoseDeliveryStream {
    const parent = { parent: this };
    const account = aws.getCallerIdentityOutput({}, parent).accountId;
    const role = new aws.iam.Role(
      name,
      {
        assumeRolePolicy: account.apply((accountId) =>
          JSON.stringify({
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: { Service: 'firehose.amazonaws.com' },
                Action: 'sts:AssumeRole',
                Condition: { StringEquals: { 'sts:ExternalId': accountId } },
              },
            ],
          }),
        ),
      },
      parent,
    );
    const policy = new aws.iam.RolePolicy(
      name,
      {
        role: role.id,
        policy: args.bucket.arn.apply((bucketArn) =>
          JSON.stringify({
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Action: ['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'],
                Resource: [bucketArn],
              },
              {
                Effect: 'Allow',
                Action: ['s3:PutObject', 's3:GetObject', 's3:AbortMultipartUpload'],
                Resource: [`${bucketArn}/${prefix}*`],
              },
            ],
          }),
        ),
      },
      parent,
    );
    return new aws.kinesis.FirehoseDeliveryStream(
      name,
      {
        destination: 'extended_s3',
        extendedS3Configuration: {
          roleArn: role.arn,
          bucketArn: args.bucket.arn,
          prefix,
          compressionFormat: 'GZIP',
          bufferingInterval: args.bufferSeconds,
          bufferingSize: args.bufferMegabytes,
        },
      },
      { parent: this, dependsOn: [policy] },
    );
  }
}
