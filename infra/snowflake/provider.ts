import * as pulumi from '@pulumi/pulumi';
import * as snowflake from '@pulumi/snowflake';

/**
 * The provider's preview features this program declares resources of (provider 1.x): without them enabled,
 * the provider refuses the table, the file format, the storage integration, the stage, the pipe and the UDF.
 */
export const PREVIEW_FEATURES = [
  'snowflake_table_resource',
  'snowflake_file_format_resource',
  'snowflake_storage_integration_resource',
  'snowflake_stage_resource',
  'snowflake_pipe_resource',
  'snowflake_function_javascript_resource',
];

/**
 * The Snowflake provider every resource of the Snowflake half uses: an explicit one, so that the preview
 * features are enabled in the program rather than in each stack's config. The connection comes from the
 * stack's `snowflake:` keys, as the default provider would take it, or else from the provider's SNOWFLAKE_*
 * environment variables (docs/deploy-snowflake.md).
 */
export function snowflakeProvider(config = new pulumi.Config('snowflake')): snowflake.Provider {
  return new snowflake.Provider('snowflake', {
    organizationName: config.get('organizationName'),
    accountName: config.get('accountName'),
    user: config.get('user'),
    role: config.get('role'),
    authenticator: config.get('authenticator'),
    host: config.get('host'),
    password: config.getSecret('password'),
    privateKey: config.getSecret('privateKey'),
    privateKeyPassphrase: config.getSecret('privateKeyPassphrase'),
    previewFeaturesEnabled: PREVIEW_FEATURES,
  });
}
