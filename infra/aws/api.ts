import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { COLLECTOR_ROUTES } from '../settings.ts';

export interface ApiArgs {
  function: aws.lambda.Function;
  throttlingRateLimit: number;
  throttlingBurstLimit: number;
  logRetentionDays: number;
}

/** An API Gateway HTTP API in front of the collector function: its routes, a throttled stage with access logs. */
export class Api extends pulumi.ComponentResource {
  readonly api: aws.apigatewayv2.Api;
  readonly stage: aws.apigatewayv2.Stage;
  /** The collector's base URL: what `./pdi pump --url` takes. */
  readonly url: pulumi.Output<string>;

  constructor(name: string, args: ApiArgs, opts?: pulumi.ComponentResourceOptions) {
    super('pdi:aws:Api', name, {}, opts);
    const parent = { parent: this };
    this.api = new aws.apigatewayv2.Api(name, { protocolType: 'HTTP' }, parent);
    const integration = new aws.apigatewayv2.Integration(
      name,
      {
        apiId: this.api.id,
        integrationType: 'AWS_PROXY',
        integrationUri: args.function.invokeArn,
        integrationMethod: 'POST',
        payloadFormatVersion: '2.0',
      },
      parent,
    );
    const routes = COLLECTOR_ROUTES.map(
      (routeKey) =>
        new aws.apigatewayv2.Route(
          `${name}-${routeKey.replace(/[^A-Za-z]+/g, '-').toLowerCase()}`,
          { apiId: this.api.id, routeKey, target: pulumi.interpolate`integrations/${integration.id}` },
          parent,
        ),
    );
    const accessLogs = new aws.cloudwatch.LogGroup(
      `${name}-access`,
      { retentionInDays: args.logRetentionDays },
      parent,
    );
    this.stage = new aws.apigatewayv2.Stage(
      name,
      {
        apiId: this.api.id,
        name: '$default',
        autoDeploy: true,
        defaultRouteSettings: {
          throttlingRateLimit: args.throttlingRateLimit,
          throttlingBurstLimit: args.throttlingBurstLimit,
        },
        accessLogSettings: {
          destinationArn: accessLogs.arn,
          format: JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTime',
            ip: '$context.identity.sourceIp',
            routeKey: '$context.routeKey',
            status: '$context.status',
            responseLength: '$context.responseLength',
            latencyMs: '$context.responseLatency',
            integrationError: '$context.integrationErrorMessage',
          }),
        },
      },
      { parent: this, dependsOn: routes },
    );
    new aws.lambda.Permission(
      name,
      {
        action: 'lambda:InvokeFunction',
        function: args.function.name,
        principal: 'apigateway.amazonaws.com',
        sourceArn: pulumi.interpolate`${this.api.executionArn}/*/*`,
      },
      parent,
    );
    this.url = this.api.apiEndpoint;
    this.registerOutputs({ url: this.url });
  }
}
