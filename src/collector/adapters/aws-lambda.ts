import type { Context, Hono } from 'hono';
import { getConnInfo, handle } from 'hono/aws-lambda';
import type { RuntimeAccess } from '../app.ts';

/** Behind API Gateway the client's address is the `requestContext` source IP; the rest is web-standard. */
export const lambdaRuntime: RuntimeAccess = {
  sourceIp: (c: Context) => getConnInfo(c).remote.address ?? null,
};

/** A Lambda handler for API Gateway HTTP APIs (payload v2, also v1 and ALB) around the collector app. */
export function createLambdaHandler(app: Hono) {
  return handle(app);
}
