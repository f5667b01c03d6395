import type { Context, Hono } from 'hono';
import { getConnInfo, handle } from 'hono/aws-lambda';

/** The client's address behind API Gateway: the `requestContext` source IP it reports. */
export function lambdaSourceIp(c: Context): string | null {
  return getConnInfo(c).remote.address ?? null;
}

/** A Lambda handler for API Gateway HTTP APIs (payload v2, also v1 and ALB) around the collector app. */
export function createLambdaHandler(app: Hono) {
  return handle(app);
}
