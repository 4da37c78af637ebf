import { ResponseType, type RestApi } from 'aws-cdk-lib/aws-apigateway';
import type { ErrorCode } from '../../core/errors';

/**
 * API Gateway's own answers (authorizer denials, unknown routes, throttling, integration failures)
 * rewritten to our error body {"error":{"code","message","details":{"requestId"}}}, with CORS
 * headers so the console can read them.
 */
interface GatewayError {
  readonly type: ResponseType;
  readonly code: ErrorCode;
  /** A JSON string literal, or a VTL expression that renders one. */
  readonly message: string;
  /** Override API Gateway's status (only where its default would mislead callers). */
  readonly statusCode?: string;
}

const text = (message: string): string => JSON.stringify(message);

export const gatewayErrors: readonly GatewayError[] = [
  { type: ResponseType.UNAUTHORIZED, code: 'UNAUTHORIZED', message: text('Authentication is required.') },
  { type: ResponseType.ACCESS_DENIED, code: 'FORBIDDEN', message: text('You are not allowed to do this.') },
  { type: ResponseType.EXPIRED_TOKEN, code: 'UNAUTHORIZED', message: text('The token has expired.'), statusCode: '401' },
  { type: ResponseType.INVALID_SIGNATURE, code: 'UNAUTHORIZED', message: text('The request signature is not valid.'), statusCode: '401' },
  // REST APIs answer an unknown path or method with 403 "Missing Authentication Token".
  {
    type: ResponseType.MISSING_AUTHENTICATION_TOKEN,
    code: 'ROUTE_NOT_FOUND',
    message: text('No route matches this method and path.'),
    statusCode: '404',
  },
  { type: ResponseType.THROTTLED, code: 'TOO_MANY_REQUESTS', message: text('Too many requests; retry later.') },
  { type: ResponseType.QUOTA_EXCEEDED, code: 'TOO_MANY_REQUESTS', message: text('The request quota is used up; retry later.') },
  { type: ResponseType.REQUEST_TOO_LARGE, code: 'PAYLOAD_TOO_LARGE', message: text('The request is too large.') },
  { type: ResponseType.UNSUPPORTED_MEDIA_TYPE, code: 'UNSUPPORTED_MEDIA_TYPE', message: text('Send the body as application/json.') },
  { type: ResponseType.BAD_REQUEST_BODY, code: 'VALIDATION_FAILED', message: '$context.error.messageString' },
  { type: ResponseType.BAD_REQUEST_PARAMETERS, code: 'VALIDATION_FAILED', message: '$context.error.messageString' },
  { type: ResponseType.WAF_FILTERED, code: 'FORBIDDEN', message: text('The request was blocked.') },
  { type: ResponseType.DEFAULT_4XX, code: 'BAD_REQUEST', message: '$context.error.messageString' },
  { type: ResponseType.AUTHORIZER_FAILURE, code: 'INTERNAL', message: text('Something went wrong on our side.') },
  { type: ResponseType.AUTHORIZER_CONFIGURATION_ERROR, code: 'INTERNAL', message: text('Something went wrong on our side.') },
  { type: ResponseType.INTEGRATION_TIMEOUT, code: 'INTERNAL', message: text('The request took too long; retry later.') },
  { type: ResponseType.DEFAULT_5XX, code: 'INTERNAL', message: text('Something went wrong on our side.') },
];

export const errorTemplate = (code: ErrorCode, message: string): string =>
  `{"error":{"code":"${code}","message":${message},"details":{"requestId":"$context.requestId"}}}`;

export const addGatewayResponses = (api: RestApi, consoleOrigin: string): void => {
  const responseHeaders = {
    'Access-Control-Allow-Origin': `'${consoleOrigin}'`,
    'Access-Control-Expose-Headers': "'X-Request-Id,Retry-After'",
    Vary: "'Origin'",
    'Cache-Control': "'no-store'",
  };
  for (const e of gatewayErrors) {
    api.addGatewayResponse(e.type.responseType, {
      type: e.type,
      ...(e.statusCode === undefined ? {} : { statusCode: e.statusCode }),
      responseHeaders,
      templates: { 'application/json': errorTemplate(e.code, e.message) },
    });
  }
};
