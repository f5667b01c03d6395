import * as pulumi from '@pulumi/pulumi';
import { expect } from 'vitest';

/**
 * Pulumi's mocks for the program (infra/): no CLI, no account. Each resource the program declares is recorded
 * with its inputs; the mocks answer what a provider would compute (ARNs, names, the API's endpoint, the
 * pipe's queue, the storage integration's IAM user) with values named after the resource, so that a policy
 * or a setting can be traced to the resource it came from.
 */
export interface Declared {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  /** the explicit provider's reference (`urn::id`), when the resource has one */
  provider?: string;
}

export const ACCOUNT = '123456789012';
export const declared: Declared[] = [];

export function arnOf(type: string, name: string): string {
  const service = type.split(':')[1]?.split('/')[0] ?? 'x';
  return `arn:aws:${service}:eu-west-1:${ACCOUNT}:${name}`;
}

/** What the providers compute, by resource type. */
const COMPUTED: Record<string, (name: string, inputs: Record<string, unknown>) => Record<string, unknown>> = {
  'aws:s3/bucket:Bucket': (name, inputs) => ({ bucket: inputs.bucket ?? `${name}-4f2a` }),
  'aws:lambda/function:Function': (name) => ({
    name: `${name}-fn`,
    invokeArn: `arn:aws:apigateway:eu-west-1:lambda:path/functions/${arnOf('aws:lambda/function:Function', name)}/invocations`,
  }),
  'aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream': (name) => ({ name: `${name}-fh` }),
  'aws:cloudwatch/logGroup:LogGroup': (name) => ({ name: `/pdi/${name}` }),
  'aws:apigatewayv2/api:Api': () => ({
    apiEndpoint: 'https://abc123.execute-api.eu-west-1.amazonaws.com',
    executionArn: `arn:aws:execute-api:eu-west-1:${ACCOUNT}:abc123`,
  }),
  'snowflake:index/storageIntegration:StorageIntegration': (name) => ({
    storageAwsIamUserArn: `arn:aws:iam::999999999999:user/snowflake-${name}`,
    storageAwsExternalId: `EXTERNAL_ID_${name}`,
  }),
  'snowflake:index/pipe:Pipe': (name, inputs) => ({
    notificationChannel: `arn:aws:sqs:eu-west-1:999999999999:sf-snowpipe-${name}`,
    fullyQualifiedName: `"${inputs.database}"."${inputs.schema}"."${inputs.name}"`,
  }),
};

/** Runs the program (infra/index.ts) under the mocks with the given `pdi:` settings; its exports resolved. */
export async function runProgram(settings: Record<string, string> = {}): Promise<Record<string, unknown>> {
  pulumi.runtime.setMocks(
    {
      newResource(args) {
        declared.push({ type: args.type, name: args.name, inputs: args.inputs, provider: args.provider });
        const computed = COMPUTED[args.type]?.(args.name, args.inputs) ?? {};
        return {
          id: `${args.name}-id`,
          state: { ...args.inputs, arn: arnOf(args.type, args.name), ...computed },
        };
      },
      call(args) {
        if (args.token === 'aws:index/getCallerIdentity:getCallerIdentity') {
          return { accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/me`, userId: 'me' };
        }
        return args.inputs;
      },
    },
    'paas-data-ingestion',
    'test',
    false,
  );
  pulumi.runtime.setAllConfig(
    Object.fromEntries(Object.entries(settings).map(([key, setting]) => [`pdi:${key}`, setting])),
  );
  const program: Record<string, unknown> = await import('../../infra/index.ts');
  const outputs: Record<string, unknown> = {};
  for (const [name, output] of Object.entries(program)) {
    outputs[name] = pulumi.Output.isInstance(output) ? await value(output) : output;
  }
  // the resources whose inputs wait on others' outputs register a little later
  await new Promise((resolve) => setTimeout(resolve, 200));
  return outputs;
}

export const value = <T>(output: pulumi.Output<T>) => new Promise<T>((resolve) => output.apply(resolve));
export const ofType = (type: string) => declared.filter((d) => d.type === type);
export const named = (type: string, name: string) => {
  const found = ofType(type).filter((d) => d.name === name);
  expect(found, `${type} ${name}`).toHaveLength(1);
  return found[0] as Declared;
};
export const one = (type: string) => {
  const found = ofType(type);
  expect(found, type).toHaveLength(1);
  return found[0] as Declared;
};

export interface Statement {
  Effect: string;
  Action: string[];
  Resource: string[];
  Condition?: unknown;
}

/** Every statement of every IAM role policy, by the role it belongs to. */
export function policies(): { role: string; statements: Statement[] }[] {
  return ofType('aws:iam/rolePolicy:RolePolicy').map((p) => ({
    role: String(p.inputs.role),
    statements: JSON.parse(String(p.inputs.policy)).Statement,
  }));
}

/** A YAML scalar as the example writes them: a quoted string, a number, a boolean, or a plain string. */
export function yamlScalar(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
