import type { Logger } from '@aws-lambda-powertools/logger';
import middy from '@middy/core';
import httpCors from '@middy/http-cors';
import httpSecurityHeaders from '@middy/http-security-headers';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import YAML from 'yaml';
import type { z } from 'zod';
import { AppError, internalErrorBody, isAppError, notFound, type ErrorBody } from '../../core/errors';
import { AccessDenied } from '../../core/events/catalog';
import { decide, permissionScope, roleInProject } from '../../core/identity/policy';
import { actorOf, isGlobalAdmin, principalFromContext, type Principal, type ProjectRole } from '../../core/identity/principal';
import type { MemberStore } from '../../core/ports/access-store';
import { eventOf, type EventBus } from '../../core/ports/event-bus';
import { routeFor, routesOf, type HandlerName, type Route, type RoutesOf } from '../../core/routes';

/**
 * The one middleware chain every API handler runs: route lookup, authorization by the route's
 * permission, body size and JSON parsing, validation against the operation's zod schemas,
 * error mapping to {"error":{code,message,details}}, security headers, CORS, request id and one
 * structured log line per request. Handlers only write operations.
 */
export const MAX_BODY_BYTES = 256 * 1024;

export interface HttpResult {
  status: number;
  /** Sent as JSON, unless `contentType` says the body is already text in that type. */
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
}
export const json = (body: unknown, status = 200): HttpResult => ({ status, body });
export const noContent = (): HttpResult => ({ status: 204 });

export interface RequestContext<B, Q, P> {
  body: B;
  query: Q;
  path: P;
  requestId: string;
  logger: Logger;
  headers: Readonly<Record<string, string>>;
}
/** Public operations see the body as sent (bytes, at most MAX_BODY_BYTES): webhooks verify a signature over it. */
export interface PublicContext<Q, P> extends RequestContext<undefined, Q, P> {
  rawBody: Buffer;
}
export interface AuthedContext<B, Q, P> extends RequestContext<B, Q, P> {
  principal: Principal;
  /** The caller's role in the route's project, for project-scoped routes. */
  role: ProjectRole | undefined;
}

type Schema = z.ZodType | undefined;
type Out<S extends Schema> = S extends z.ZodType ? z.output<S> : undefined;

interface Spec<BS extends Schema, QS extends Schema, PS extends Schema> {
  body?: BS;
  query?: QS;
  path?: PS;
  /** Also accept the body as YAML (jobs kept in Git). */
  acceptsYaml?: true;
}

export interface Operation {
  readonly public: boolean;
  readonly acceptsYaml?: true | undefined;
  readonly body?: z.ZodType | undefined;
  readonly query?: z.ZodType | undefined;
  readonly path?: z.ZodType | undefined;
  run(ctx: AuthedContext<unknown, unknown, unknown> | PublicContext<unknown, unknown>): Promise<HttpResult>;
}

/** An operation behind the authorizer: it always has a principal, already allowed by the policy. */
export const operation = <BS extends Schema = undefined, QS extends Schema = undefined, PS extends Schema = undefined>(
  spec: Spec<BS, QS, PS> & { handle: (ctx: AuthedContext<Out<BS>, Out<QS>, Out<PS>>) => Promise<HttpResult> | HttpResult },
): Operation => ({
  public: false,
  acceptsYaml: spec.acceptsYaml,
  body: spec.body,
  query: spec.query,
  path: spec.path,
  run: async (ctx) => spec.handle(ctx as AuthedContext<Out<BS>, Out<QS>, Out<PS>>),
});

/** An operation anyone may call (health checks, signed webhooks): it never sees a principal. */
export const publicOperation = <QS extends Schema = undefined, PS extends Schema = undefined>(
  spec: Spec<undefined, QS, PS> & { handle: (ctx: PublicContext<Out<QS>, Out<PS>>) => Promise<HttpResult> | HttpResult },
): Operation => ({
  public: true,
  query: spec.query,
  path: spec.path,
  run: async (ctx) => spec.handle(ctx as PublicContext<Out<QS>, Out<PS>>),
});

export interface HttpDeps {
  logger: Logger;
  /** The console's origin (https://…), allowed by CORS. Absent when the console is same-origin. */
  consoleOrigin?: string | undefined;
  /** What the policy check needs: memberships to find the caller's role, the bus for Access Denied. Only public handlers go without. */
  access?: { members: Pick<MemberStore, 'get'>; bus: EventBus } | undefined;
}

type Details = { location: 'body' | 'query' | 'path'; path: string; message: string }[];

const validate = <S extends z.ZodType>(schema: S, value: unknown, location: Details[number]['location']): z.output<S> => {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const details: Details = parsed.error.issues.flatMap((issue) => {
    const base = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((k) => ({ location, path: base === '' ? k : `${base}.${k}`, message: 'is not a known field' }));
    }
    return [{ location, path: base, message: issue.message }];
  });
  throw new AppError('VALIDATION_FAILED', `The request ${location} is not valid.`, details);
};

const lowerCaseHeaders = (headers: APIGatewayProxyEvent['headers'] | null): Record<string, string> =>
  Object.fromEntries(
    Object.entries(headers ?? {})
      .filter((e): e is [string, string] => typeof e[1] === 'string')
      .map(([k, v]) => [k.toLowerCase(), v]),
  );

const isJsonContentType = (value: string | undefined) =>
  value !== undefined && /^application\/([\w.+-]+\+)?json\s*(;|$)/i.test(value.trim());
const isYamlContentType = (value: string | undefined) =>
  value !== undefined && /^(application\/(x-)?yaml|text\/(x-)?yaml)\s*(;|$)/i.test(value.trim());

const parseYaml = (raw: string): unknown => {
  try {
    // The core schema only: no custom tags, and a cap on aliases against expansion bombs.
    return YAML.parse(raw, { schema: 'core', maxAliasCount: 100, uniqueKeys: true });
  } catch (e) {
    throw new AppError('INVALID_YAML', 'The body is not valid YAML.', { reason: e instanceof Error ? e.message.split('\n')[0] : undefined });
  }
};

const readBody = (event: APIGatewayProxyEvent, headers: Record<string, string>, acceptsYaml: boolean): unknown => {
  if (event.body === null || event.body === '') {
    throw new AppError('VALIDATION_FAILED', 'A JSON body is required.', [{ location: 'body', path: '', message: 'is required' }]);
  }
  const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (Buffer.byteLength(raw, 'utf8') > MAX_BODY_BYTES) {
    throw new AppError('PAYLOAD_TOO_LARGE', `The body must be at most ${MAX_BODY_BYTES} bytes.`, { limitBytes: MAX_BODY_BYTES });
  }
  if (acceptsYaml && isYamlContentType(headers['content-type'])) return parseYaml(raw);
  if (!isJsonContentType(headers['content-type'])) {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', acceptsYaml ? 'Send the body as application/json or application/yaml.' : 'Send the body as application/json.');
  }
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw new AppError('INVALID_JSON', 'The body is not valid JSON.');
  }
};

/** The body bytes as sent, for public operations; the same size limit as parsed bodies. */
const rawBodyOf = (event: APIGatewayProxyEvent): Buffer => {
  if (event.body === null || event.body === '') return Buffer.alloc(0);
  const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
  if (raw.length > MAX_BODY_BYTES) {
    throw new AppError('PAYLOAD_TOO_LARGE', `The body must be at most ${String(MAX_BODY_BYTES)} bytes.`, { limitBytes: MAX_BODY_BYTES });
  }
  return raw;
};

const respond = (
  status: number,
  body: unknown,
  requestId: string,
  headers: Record<string, string> = {},
  contentType?: string,
): APIGatewayProxyResult => ({
  statusCode: status,
  headers: {
    ...(body === undefined ? {} : { 'Content-Type': contentType ?? 'application/json; charset=utf-8' }),
    'Cache-Control': 'no-store',
    'X-Request-Id': requestId,
    ...headers,
  },
  body: body === undefined ? '' : contentType !== undefined && typeof body === 'string' ? body : JSON.stringify(body),
});

export const apiHandler = <H extends HandlerName>(
  name: H,
  operations: { [K in RoutesOf<H>['id']]: Operation },
  deps: HttpDeps,
) => {
  const ops: Record<string, Operation> = operations;

  /** Asks the policy; a caller without a role in the project gets 404, so project ids cannot be probed. */
  const authorize = async (route: Route, principal: Principal, event: APIGatewayProxyEvent, requestId: string) => {
    if (route.permission === 'public') return undefined;
    const access = deps.access;
    if (!access) throw new Error(`Handler ${name} has protected routes but no access dependencies`);
    const projectId = permissionScope(route.permission) === 'project' ? event.pathParameters?.projectId : undefined;
    let role: ProjectRole | undefined;
    if (projectId !== undefined) {
      const membership = principal.type === 'user' && !isGlobalAdmin(principal) ? await access.members.get(projectId, principal.username) : undefined;
      role = roleInProject(principal, projectId, membership?.role);
    }
    const decision = decide(principal, route.permission, projectId === undefined ? undefined : { role });
    if (decision.effect === 'allow') return role;
    const answered = decision.reason === 'notFound' ? 404 : 403;
    await access.bus.publish([
      eventOf(AccessDenied, {
        actor: actorOf(principal),
        ...(projectId === undefined ? {} : { projectId }),
        route: { id: route.id, method: route.method, path: route.path },
        answered,
        requestId,
        sourceIp: event.requestContext.identity.sourceIp,
      }),
    ]);
    if (answered === 404) throw notFound('Project', projectId);
    throw new AppError('FORBIDDEN', 'Your role does not allow this.');
  };

  const dispatch = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    const started = Date.now();
    const requestId = event.requestContext.requestId;
    const route = routeFor(event.httpMethod, event.resource);
    const op = route && route.handler === name ? ops[route.id] : undefined;
    if (!route || !op) throw new AppError('ROUTE_NOT_FOUND', `No route for ${event.httpMethod} ${event.path}.`);
    const logger = deps.logger.createChild({ persistentKeys: { requestId, route: route.id } });

    const headers = lowerCaseHeaders(event.headers);
    const base = {
      requestId,
      logger,
      headers,
      path: op.path ? validate(op.path, event.pathParameters ?? {}, 'path') : undefined,
      query: op.query ? validate(op.query, event.queryStringParameters ?? {}, 'query') : undefined,
    };
    let result: HttpResult;
    if (route.permission === 'public') {
      result = await op.run({ ...base, body: undefined, rawBody: rawBodyOf(event) });
    } else {
      const principal = principalFromContext(event.requestContext.authorizer);
      if (!principal) throw new AppError('UNAUTHORIZED', 'Authentication is required.');
      const role = await authorize(route, principal, event, requestId);
      const body = op.body ? validate(op.body, readBody(event, headers, op.acceptsYaml === true), 'body') : undefined;
      result = await op.run({ ...base, body, principal, role });
    }
    logger.info('request', { method: event.httpMethod, status: result.status, ms: Date.now() - started });
    return respond(result.status, result.body, requestId, result.headers, result.contentType);
  };

  // Fail at cold start, not at the first request, when an operation's kind disagrees with its route.
  for (const route of routesOf(name)) {
    const op = ops[route.id];
    if (!op || op.public !== (route.permission === 'public')) throw new Error(`Operation ${route.id} does not match its route`);
    if (route.permission !== 'public' && !deps.access) throw new Error(`Handler ${name} needs access dependencies for ${route.id}`);
  }

  const errors: middy.MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> = {
    onError: (request) => {
      const requestId = request.event.requestContext.requestId;
      const e = request.error;
      if (isAppError(e)) {
        deps.logger.info('request rejected', { requestId, method: request.event.httpMethod, resource: request.event.resource, status: e.status, code: e.code });
        request.response = respond(e.status, e.toBody() satisfies ErrorBody, requestId);
        return;
      }
      // The stack goes to our logs only; the caller gets a request id to quote.
      deps.logger.error('unhandled error', { requestId, method: request.event.httpMethod, resource: request.event.resource, error: e as Error });
      request.response = respond(500, internalErrorBody(requestId), requestId);
    },
  };

  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(
      httpCors({
        origins: deps.consoleOrigin ? [deps.consoleOrigin] : [],
        headers: 'Authorization,Content-Type,Idempotency-Key,X-Api-Key',
        exposeHeaders: 'X-Request-Id,Retry-After,X-Next-Cursor',
        maxAge: 600,
      }),
    )
    .use(httpSecurityHeaders())
    .use(errors)
    .handler(dispatch);
};
