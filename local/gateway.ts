import { randomUUID } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import path from 'node:path';
import type { Logger } from '@aws-lambda-powertools/logger';
import type {
  APIGatewayAuthorizerResult,
  APIGatewayProxyEvent,
  APIGatewayProxyResult,
  APIGatewayRequestAuthorizerEvent,
  Context,
} from 'aws-lambda';
import { AppError, internalErrorBody, type ErrorBody } from '../core/errors';
import { matchRoute, type HandlerName } from '../core/routes';
import type { TakeResult } from '../core/throttling';
import type { LocalIdentityProvider } from './identity';

/**
 * API Gateway's part on one machine: the same route table, the same REST proxy events, the same
 * authorizer in front of every non-public route. It also serves what CloudFront and Cognito serve
 * on AWS: the console's files, /config.json, and the local identity provider.
 */
export type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;
export type Authorizer = (event: APIGatewayRequestAuthorizerEvent) => Promise<APIGatewayAuthorizerResult>;

export interface GatewayDeps {
  handlers: Record<HandlerName, ProxyHandler>;
  authorizer: Authorizer;
  idp: LocalIdentityProvider;
  consoleConfig: Record<string, string>;
  webRoot: string | undefined;
  logger: Logger;
  /** Per-caller rate limit, as API Gateway's usage plans apply it. */
  throttle: { take(key: string): TakeResult };
}

/** API Gateway's own payload limit; the handler chain enforces the API's smaller one. */
const GATEWAY_MAX_BODY = 10 * 1024 * 1024;
const API_ID = 'local';
const STAGE = 'v1';

class BodyTooLarge extends Error {}

const readBody = (req: IncomingMessage, limit: number): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      resolve(Buffer.concat(chunks));
    });
    req.on('error', reject);
  });

const send = (res: ServerResponse, status: number, headers: OutgoingHttpHeaders, body?: string | Buffer) => {
  if (res.headersSent) return;
  res.writeHead(status, headers);
  res.end(body);
};

const sendError = (res: ServerResponse, error: AppError | ErrorBody, status: number, requestId: string, extra: Record<string, string> = {}) => {
  const body = error instanceof AppError ? error.toBody() : error;
  send(res, status, { 'Content-Type': 'application/json; charset=utf-8', 'X-Request-Id': requestId, 'Cache-Control': 'no-store', ...extra }, JSON.stringify(body));
};

type LambdaContext = Omit<Context, 'done' | 'fail' | 'succeed'>;

const lambdaContext = (requestId: string, functionName: string): LambdaContext => {
  const deadline = Date.now() + 29_000; // API Gateway's integration timeout
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
};

const singleValues = (multi: Record<string, string[]>): Record<string, string> =>
  Object.fromEntries(Object.entries(multi).map(([k, v]) => [k, v[v.length - 1] ?? '']));

const headerMaps = (req: IncomingMessage) => {
  const multi: Record<string, string[]> = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i] ?? '';
    (multi[name] ??= []).push(req.rawHeaders[i + 1] ?? '');
  }
  return { headers: singleValues(multi), multiValueHeaders: multi };
};

const queryMaps = (url: URL) => {
  const multi: Record<string, string[]> = {};
  for (const [k, v] of url.searchParams) (multi[k] ??= []).push(v);
  return Object.keys(multi).length === 0
    ? { queryStringParameters: null, multiValueQueryStringParameters: null }
    : { queryStringParameters: singleValues(multi), multiValueQueryStringParameters: multi };
};

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
};

const staticHeaders = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'strict-origin-when-cross-origin',
};

export const createGateway = (deps: GatewayDeps) => {
  const serveApi = async (req: IncomingMessage, res: ServerResponse, url: URL, requestId: string) => {
    const method = req.method ?? 'GET';
    const match = matchRoute(method, url.pathname);
    if (match.kind === 'notFound') {
      sendError(res, new AppError('ROUTE_NOT_FOUND', `No route for ${method} ${url.pathname}.`), 404, requestId);
      return;
    }
    if (match.kind === 'methodNotAllowed') {
      const err = new AppError('METHOD_NOT_ALLOWED', `${method} is not allowed on ${url.pathname}.`, { allowed: match.allowed });
      sendError(res, err, 405, requestId, { Allow: match.allowed.join(', ') });
      return;
    }
    let body: Buffer;
    try {
      body = await readBody(req, GATEWAY_MAX_BODY);
    } catch (e) {
      if (!(e instanceof BodyTooLarge)) throw e;
      sendError(res, new AppError('PAYLOAD_TOO_LARGE', 'The body is too large.'), 413, requestId, { Connection: 'close' });
      return;
    }
    const { route, pathParameters } = match;
    const { headers, multiValueHeaders } = headerMaps(req);
    const sourceIp = req.socket.remoteAddress ?? '127.0.0.1';
    const methodArn = `arn:aws:execute-api:local:000000000000:${API_ID}/${STAGE}/${method}${url.pathname}`;
    const event: APIGatewayProxyEvent = {
      resource: route.path,
      path: url.pathname,
      httpMethod: method,
      headers,
      multiValueHeaders,
      ...queryMaps(url),
      pathParameters: Object.keys(pathParameters).length === 0 ? null : pathParameters,
      stageVariables: null,
      body: body.length === 0 ? null : body.toString('utf8'),
      isBase64Encoded: false,
      requestContext: {
        accountId: '000000000000',
        apiId: API_ID,
        authorizer: null,
        protocol: `HTTP/${req.httpVersion}`,
        httpMethod: method,
        identity: { sourceIp, userAgent: headers['User-Agent'] ?? headers['user-agent'] ?? null } as APIGatewayProxyEvent['requestContext']['identity'],
        path: `/${STAGE}${url.pathname}`,
        stage: STAGE,
        requestId,
        requestTimeEpoch: Date.now(),
        resourceId: route.id,
        resourcePath: route.path,
      },
    };

    if (route.permission !== 'public') {
      let result: APIGatewayAuthorizerResult;
      try {
        result = await deps.authorizer({
          type: 'REQUEST',
          methodArn,
          resource: route.path,
          path: url.pathname,
          httpMethod: method,
          headers,
          multiValueHeaders,
          pathParameters: event.pathParameters,
          queryStringParameters: event.queryStringParameters,
          multiValueQueryStringParameters: event.multiValueQueryStringParameters,
          stageVariables: null,
          requestContext: { ...event.requestContext, authorizer: undefined },
        });
      } catch {
        sendError(res, new AppError('UNAUTHORIZED', 'Missing or invalid credentials.', { requestId }), 401, requestId, {
          'WWW-Authenticate': 'Bearer',
        });
        return;
      }
      const allowed = result.policyDocument.Statement.some((s) => s.Effect === 'Allow');
      if (!allowed) {
        sendError(res, new AppError('FORBIDDEN', 'You are not allowed to do this.', { requestId }), 403, requestId);
        return;
      }
      const taken = deps.throttle.take(`${String(result.context?.principalType)}:${result.principalId}`);
      if (!taken.allowed) {
        const err = new AppError('TOO_MANY_REQUESTS', 'Too many requests; slow down and retry later.', { retryAfterSeconds: taken.retryAfterSeconds });
        sendError(res, err, 429, requestId, { 'Retry-After': String(taken.retryAfterSeconds) });
        return;
      }
      event.requestContext.authorizer = { ...result.context, principalId: result.principalId };
    }

    const out = await deps.handlers[route.handler](event, lambdaContext(requestId, `opsconductor-${route.handler}`) as Context);
    const outHeaders: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(out.headers ?? {})) outHeaders[k] = String(v);
    for (const [k, v] of Object.entries(out.multiValueHeaders ?? {})) outHeaders[k] = v.map(String);
    send(res, out.statusCode, outHeaders, out.isBase64Encoded ? Buffer.from(out.body, 'base64') : out.body);
  };

  const serveIdp = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    if (req.method === 'GET' && url.pathname === '/local-idp/.well-known/jwks.json') {
      send(res, 200, { 'Content-Type': 'application/json' }, JSON.stringify(deps.idp.jwks()));
      return;
    }
    if (req.method !== 'POST' || (url.pathname !== '/local-idp/' && url.pathname !== '/local-idp')) {
      send(res, 404, { 'Content-Type': 'application/json' }, JSON.stringify({ __type: 'UnknownOperationException', message: 'Unknown operation' }));
      return;
    }
    const body = await readBody(req, 64 * 1024).catch(() => undefined);
    if (body === undefined) {
      send(res, 413, { 'Content-Type': 'application/json' }, JSON.stringify({ __type: 'SerializationException', message: 'Request too large' }));
      return;
    }
    const target = req.headers['x-amz-target'];
    const out = await deps.idp.handle(Array.isArray(target) ? target[0] : target, body.toString('utf8'));
    send(res, out.status, out.headers, out.body);
  };

  const serveStatic = (req: IncomingMessage, res: ServerResponse, url: URL) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, 405, { Allow: 'GET, HEAD' });
      return;
    }
    if (deps.webRoot === undefined) {
      send(res, 404, { 'Content-Type': 'text/plain; charset=utf-8' }, 'The console is not built. Run `npm start` to build it.');
      return;
    }
    const root = deps.webRoot;
    let file = path.resolve(root, '.' + decodeURIComponent(url.pathname));
    const inside = file === root || file.startsWith(root + path.sep);
    const stat = inside ? statSync(file, { throwIfNoEntry: false }) : undefined;
    // The console routes with the History API: unknown paths get index.html, which routes them.
    if (!stat?.isFile()) file = path.join(root, 'index.html');
    const isIndex = file.endsWith('index.html');
    res.writeHead(200, {
      'Content-Type': contentTypes[path.extname(file)] ?? 'application/octet-stream',
      'Cache-Control': isIndex ? 'no-cache' : 'public, max-age=31536000, immutable',
      ...staticHeaders,
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    createReadStream(file).pipe(res);
  };

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const requestId = randomUUID();
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname === '/health' || url.pathname === '/v1' || url.pathname.startsWith('/v1/')) {
        if (req.method === 'OPTIONS') {
          // The console is served from this origin, so no cross-origin preflight is ever allowed here.
          send(res, 204, { 'X-Request-Id': requestId });
          return;
        }
        await serveApi(req, res, url, requestId);
      } else if (url.pathname.startsWith('/local-idp')) {
        await serveIdp(req, res, url);
      } else if (url.pathname === '/config.json') {
        send(res, 200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache' }, JSON.stringify(deps.consoleConfig));
      } else {
        serveStatic(req, res, url);
      }
    } catch (error) {
      deps.logger.error('gateway error', { requestId, error: error as Error });
      sendError(res, internalErrorBody(requestId), 500, requestId);
    }
  };
};
