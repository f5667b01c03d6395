import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';

import { ERRORS_PREFIX } from '../settings.ts';

export interface LakeArgs {
  bucketName?: string;
  errorsRetentionDays: number;
  forceDestroy: boolean;
}

/**
 * The lake: a private S3 bucket (public access blocked, owner-enforced, encrypted at rest) whose
 * `stream_errors/` objects expire after a while; `stream_data/` is kept, as everything downstream is
 * rebuilt from it.
 */
export class Lake extends pulumi.ComponentResource {
  readonly bucket: aws.s3.Bucket;

  constructor(name: string, args: LakeArgs, opts?: pulumi.ComponentResourceOptions) {
    super('pdi:aws:Lake', name, {}, opts);
    const parent = { parent: this };
    this.bucket = new aws.s3.Bucket(
      name,
      { bucket: args.bucketName, forceDestroy: args.forceDestroy },
      parent,
    );
    const bucket = this.bucket.id;
    new aws.s3.BucketPublicAccessBlock(
      name,
      {
        bucket,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      parent,
    );
    new aws.s3.BucketOwnershipControls(
      name,
      { bucket, rule: { objectOwnership: 'BucketOwnerEnforced' } },
      parent,
    );
    new aws.s3.BucketServerSideEncryptionConfiguration(
      name,
      { bucket, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }] },
      parent,
    );
    new aws.s3.BucketLifecycleConfiguration(
      name,
      {
        bucket,
        rules: [
          {
            id: 'expire-stream-errors',
            status: 'Enabled',
            filter: { prefix: ERRORS_PREFIX },
            expiration: { days: args.errorsRetentionDays },
          },
        ],
      },
      parent,
    );
    this.registerOutputs({ bucketName: this.bucket.bucket });
  }
}
