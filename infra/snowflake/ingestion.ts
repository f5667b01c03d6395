import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import * as snowflake from '@pulumi/snowflake';
import { copyLogsSql, LAKE_FILE_FORMAT, SNOWFLAKE_LOGS_TABLE } from '../../src/pipe/snowflake/schema.ts';
import { USER_AGENT_UDF_COMMENT, userAgentUdfBody } from '../../src/pipe/snowflake/user-agent-udf.ts';
import { DATA_PREFIX, ERRORS_PREFIX } from '../settings.ts';

export interface IngestionArgs {
  database: snowflake.Database;
  bucket: aws.s3.Bucket;
  /** the IAM role Snowflake assumes to read the lake: a fixed name, see below */
  lakeReaderRole: string;
}

/**
 * The lake into RAW.LOGS, object by object as Firehose writes them: Snowpipe's COPY, the same mapping as
 * `./pdi load --target snowflake` (src/pipe/snowflake/schema.ts), so that both give each line the same LOG_ID.
 *
 * Snowflake reads the bucket through a storage integration, as an IAM role that trusts the integration's own
 * IAM user and external id. The integration names the role's ARN and the role's trust policy names the
 * integration's outputs: the ARN is built from the role's fixed name, so that neither waits on the other.
 * S3 tells the pipe of each new object in stream_data/ through the pipe's SQS queue.
 */
export class Ingestion extends pulumi.ComponentResource {
  readonly pipe: snowflake.Pipe;
  readonly table: snowflake.Table;

  constructor(name: string, args: IngestionArgs, opts?: pulumi.ComponentResourceOptions) {
    super('pdi:snowflake:Ingestion', name, {}, opts);
    const parent = { parent: this };
    const database = args.database.name;

    const raw = new snowflake.Schema(
      `${name}-raw`,
      { database, name: 'RAW', comment: 'paas-data-ingestion: the lake’s lines, loaded as they are' },
      parent,
    );
    const inRaw = { database, schema: raw.name };
    this.table = new snowflake.Table(
      `${name}-logs`,
      {
        ...inRaw,
        name: 'LOGS',
        columns: SNOWFLAKE_LOGS_TABLE.map(({ name, type, nullable }) => ({ name, type, nullable })),
        // the models read a day range of a service at a time
        clusterBies: ['to_date(REQUEST_TIMESTAMP)', 'SERVICE_ID'],
        comment: 'paas-data-ingestion: one row per stream record (spec §2)',
      },
      parent,
    );
    const fileFormat = new snowflake.FileFormat(
      `${name}-lake-objects`,
      {
        ...inRaw,
        name: 'LAKE_OBJECTS',
        formatType: LAKE_FILE_FORMAT.type,
        compression: LAKE_FILE_FORMAT.compression,
      },
      parent,
    );

    const lakeRoot = pulumi.interpolate`s3://${args.bucket.bucket}/`;
    const account = aws.getCallerIdentityOutput({}, parent).accountId;
    const integration = new snowflake.StorageIntegration(
      `${name}-lake`,
      {
        name: pulumi.interpolate`${database}_LAKE`,
        type: 'EXTERNAL_STAGE',
        storageProvider: 'S3',
        enabled: true,
        // the stage sits on the lake's root, so that METADATA$FILENAME is the key the embedded pipe names
        // objects by; the role reads nothing outside stream_data/ anyway
        storageAllowedLocations: [lakeRoot],
        storageBlockedLocations: [pulumi.interpolate`${lakeRoot}${ERRORS_PREFIX}`],
        storageAwsRoleArn: pulumi.interpolate`arn:aws:iam::${account}:role/${args.lakeReaderRole}`,
      },
      parent,
    );
    const readerRole = new aws.iam.Role(
      `${name}-lake-reader`,
      {
        name: args.lakeReaderRole,
        assumeRolePolicy: pulumi
          .all([integration.storageAwsIamUserArn, integration.storageAwsExternalId])
          .apply(([user, externalId]) =>
            JSON.stringify({
              Version: '2012-10-17',
              Statement: [
                {
                  Effect: 'Allow',
                  Principal: { AWS: user },
                  Action: 'sts:AssumeRole',
                  Condition: { StringEquals: { 'sts:ExternalId': externalId } },
                },
              ],
            }),
          ),
      },
      parent,
    );
    const readerPolicy = new aws.iam.RolePolicy(
      `${name}-lake-reader`,
      {
        role: readerRole.id,
        policy: args.bucket.arn.apply((bucketArn) =>
          JSON.stringify({
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Action: ['s3:GetObject', 's3:GetObjectVersion'],
                Resource: [`${bucketArn}/${DATA_PREFIX}*`],
              },
              {
                Effect: 'Allow',
                Action: ['s3:ListBucket'],
                Resource: [bucketArn],
                Condition: { StringLike: { 's3:prefix': [`${DATA_PREFIX}*`] } },
              },
              { Effect: 'Allow', Action: ['s3:GetBucketLocation'], Resource: [bucketArn] },
            ],
          }),
        ),
      },
      parent,
    );
    const stage = new snowflake.Stage(
      `${name}-lake`,
      {
        ...inRaw,
        name: 'LAKE_S3',
        url: lakeRoot,
        storageIntegration: integration.name,
        fileFormat: pulumi.interpolate`FORMAT_NAME = ${database}.RAW.${fileFormat.name}`,
        comment: 'paas-data-ingestion: the lake bucket, from its root',
      },
      parent,
    );
    this.pipe = new snowflake.Pipe(
      `${name}-logs`,
      {
        ...inRaw,
        name: 'LOGS_FROM_LAKE',
        autoIngest: true,
        copyStatement: pulumi
          .all([database, stage.name, fileFormat.name, this.table.name])
          .apply(([db, stageName, formatName, table]) =>
            copyLogsSql(
              `@${db}.RAW.${stageName}/${DATA_PREFIX}`,
              `file_format = (format_name = '${db}.RAW.${formatName}') on_error = continue`,
              `${db}.RAW.${table}`,
            ),
          ),
        comment:
          'paas-data-ingestion: each new lake object into RAW.LOGS (./pdi load --target snowflake’s COPY)',
      },
      { parent: this, dependsOn: [readerPolicy] },
    );
    new aws.s3.BucketNotification(
      `${name}-new-objects`,
      {
        bucket: args.bucket.id,
        queues: [
          {
            queueArn: this.pipe.notificationChannel,
            events: ['s3:ObjectCreated:*'],
            filterPrefix: DATA_PREFIX,
          },
        ],
      },
      parent,
    );
    new snowflake.FunctionJavascript(
      `${name}-parse-user-agent`,
      {
        ...inRaw,
        name: 'PARSE_USER_AGENT',
        arguments: [{ argName: 'UA', argDataType: 'VARCHAR' }],
        returnType: 'VARIANT',
        functionDefinition: userAgentUdfBody(),
        comment: USER_AGENT_UDF_COMMENT,
      },
      parent,
    );
    this.registerOutputs({
      pipe: this.pipe.fullyQualifiedName,
      notificationChannel: this.pipe.notificationChannel,
    });
  }
}
