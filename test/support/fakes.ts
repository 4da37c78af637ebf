import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { fixedClock } from '../../core/clock';
import { conflict, notFound, versionConflict } from '../../core/errors';
import { createIdGenerator } from '../../core/ids';
import { principalToContext, type Principal } from '../../core/identity/principal';
import type { DomainEvent, EventBus } from '../../core/ports/event-bus';
import type { ApiKeyRecord, ApiKeyStore, Member, MemberStore } from '../../core/ports/access-store';
import type { ProjectStore } from '../../core/ports/project-store';
import type { Project } from '../../core/projects/schema';
import { routes, type RouteId } from '../../core/routes';

/** An in-memory ProjectStore with the same conflict rules as the DynamoDB one. */
export const memoryProjectStore = (): ProjectStore & { items: Map<string, Project> } => {
  const items = new Map<string, Project>();
  const nameTaken = (name: string, self?: string) =>
    [...items.values()].some((p) => p.id !== self && p.name.toLowerCase() === name.toLowerCase());
  return {
    items,
    create: (p) => {
      if (nameTaken(p.name)) return Promise.reject(conflict(`A project named '${p.name}' already exists.`, { field: 'name' }));
      items.set(p.id, p);
      return Promise.resolve();
    },
    get: (id) => Promise.resolve(items.get(id)),
    list: ({ limit }) => Promise.resolve({ items: [...items.values()].slice(0, limit) }),
    update: (next, expected) => {
      const cur = items.get(next.id);
      if (!cur) return Promise.reject(notFound('Project', next.id));
      if (cur.version !== expected) return Promise.reject(versionConflict(expected, cur.version));
      if (nameTaken(next.name, next.id)) return Promise.reject(conflict('taken', { field: 'name' }));
      items.set(next.id, next);
      return Promise.resolve();
    },
    delete: (p) => {
      items.delete(p.id);
      return Promise.resolve();
    },
  };
};

/** In-memory memberships with the DynamoDB store's version rules. */
export const memoryMemberStore = (): MemberStore & { items: Map<string, Member> } => {
  const items = new Map<string, Member>();
  const k = (p: string, u: string) => `${p}|${u}`;
  const all = () => [...items.values()];
  return {
    items,
    get: (p, u) => Promise.resolve(items.get(k(p, u))),
    list: (p, { limit }) => Promise.resolve({ items: all().filter((m) => m.projectId === p).slice(0, limit) }),
    listOfUser: (u, { limit }) => Promise.resolve({ items: all().filter((m) => m.userId === u).slice(0, limit) }),
    put: (m, expected) => {
      const cur = items.get(k(m.projectId, m.userId));
      if ((cur?.version ?? 0) !== expected) return Promise.reject(versionConflict(expected, cur?.version));
      items.set(k(m.projectId, m.userId), m);
      return Promise.resolve();
    },
    delete: (m) => {
      items.delete(k(m.projectId, m.userId));
      return Promise.resolve();
    },
    deleteAllOfProject: (p) => {
      for (const m of all()) if (m.projectId === p) items.delete(k(m.projectId, m.userId));
      return Promise.resolve();
    },
    deleteAllOfUser: (u) => {
      for (const m of all()) if (m.userId === u) items.delete(k(m.projectId, m.userId));
      return Promise.resolve();
    },
  };
};

export const memoryApiKeyStore = (): ApiKeyStore & { items: Map<string, ApiKeyRecord> } => {
  const items = new Map<string, ApiKeyRecord>();
  return {
    items,
    create: (key) => {
      items.set(key.keyId, key);
      return Promise.resolve();
    },
    get: (id) => Promise.resolve(items.get(id)),
    listOfProject: (p, { limit }) => Promise.resolve({ items: [...items.values()].filter((x) => x.projectId === p).slice(0, limit) }),
    delete: (id) => {
      items.delete(id);
      return Promise.resolve();
    },
    touch: (id, at, min) => {
      const key = items.get(id);
      if (key && (key.lastUsedAt === undefined || Date.parse(key.lastUsedAt) < at.getTime() - min)) key.lastUsedAt = at.toISOString();
      return Promise.resolve();
    },
  };
};

export const recordingBus = (): EventBus & { events: DomainEvent[] } => {
  const events: DomainEvent[] = [];
  return {
    events,
    publish: (e) => {
      events.push(...e);
      return Promise.resolve();
    },
  };
};

/** Deterministic ids: the clock and a counter-based random source. */
export const testIds = (clock = fixedClock('2026-01-01T00:00:00Z')) => {
  let n = 0;
  return createIdGenerator(clock, (size) => {
    n++;
    const bytes = new Uint8Array(size);
    bytes[size - 1] = n & 0xff;
    bytes[size - 2] = (n >> 8) & 0xff;
    return bytes;
  });
};

/**
 * A Logger at DEBUG whose output (and its child loggers') is captured from stdout/stderr, so tests
 * can grep everything that would have reached CloudWatch, for canary secrets say.
 */
export const capturingLogger = (): { logger: Logger; lines: string[]; restore(): void } => {
  const lines: string[] = [];
  const capture = (chunk: unknown) => {
    lines.push(String(chunk));
    return true;
  };
  const out = jest.spyOn(process.stdout, 'write').mockImplementation(capture);
  const err = jest.spyOn(process.stderr, 'write').mockImplementation(capture);
  return {
    logger: new Logger({ serviceName: 'test', logLevel: 'DEBUG' }),
    lines,
    restore: () => {
      out.mockRestore();
      err.mockRestore();
    },
  };
};

/** A reversible stand-in for the run sealer: bound to the context id like the real ones. */
export const testSealer = {
  seal: (id: string, values: Readonly<Record<string, string>>) => Promise.resolve(Buffer.from(JSON.stringify({ id, values })).toString('base64')),
  open: (id: string, sealed: string) => {
    const parsed = JSON.parse(Buffer.from(sealed, 'base64').toString('utf8')) as { id: string; values: Record<string, string> };
    if (parsed.id !== id) return Promise.reject(new Error('sealed for another id'));
    return Promise.resolve(parsed.values);
  },
};

export const quietLogger = () => new Logger({ serviceName: 'test', logLevel: 'SILENT' });

export const admin: Principal = { type: 'user', sub: 'sub-admin', username: 'admin', email: 'admin@example.com', groups: ['admins'] };
export const viewer: Principal = { type: 'user', sub: 'sub-viewer', username: 'vera', groups: [] };

/** A REST API proxy event as API Gateway (and the local gateway) delivers it after the authorizer. */
export const proxyEvent = (
  routeId: RouteId,
  opts: {
    principal?: Principal;
    body?: string | null;
    pathParameters?: Record<string, string>;
    query?: Record<string, string>;
    headers?: Record<string, string>;
  } = {},
): APIGatewayProxyEvent => {
  const route = routes.find((r) => r.id === routeId);
  if (!route) throw new Error(`no route ${routeId}`);
  const path = Object.entries(opts.pathParameters ?? {}).reduce<string>((p, [k, v]) => p.replace(`{${k}}`, v), route.path);
  return {
    resource: route.path,
    path,
    httpMethod: route.method,
    headers: { 'Content-Type': 'application/json', ...opts.headers },
    multiValueHeaders: {},
    queryStringParameters: opts.query ?? null,
    multiValueQueryStringParameters: null,
    pathParameters: opts.pathParameters ?? null,
    stageVariables: null,
    body: opts.body ?? null,
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'test',
      authorizer: opts.principal ? { ...principalToContext(opts.principal), principalId: opts.principal.type === 'user' ? opts.principal.sub : opts.principal.keyId } : null,
      protocol: 'HTTP/1.1',
      httpMethod: route.method,
      identity: { sourceIp: '127.0.0.1' } as APIGatewayProxyEvent['requestContext']['identity'],
      path,
      stage: 'v1',
      requestId: 'req-test-1',
      requestTimeEpoch: 0,
      resourceId: route.id,
      resourcePath: route.path,
    },
  };
};

export const lambdaContext = { getRemainingTimeInMillis: () => 29_000 } as unknown as Context;
