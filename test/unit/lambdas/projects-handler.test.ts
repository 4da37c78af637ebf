import { fixedClock } from '../../../core/clock';
import { makeProjectsHandler } from '../../../lambdas/api/projects/handler';
import {
  admin,
  capturingLogger,
  lambdaContext,
  memoryApiKeyStore,
  memoryMemberStore,
  memoryProjectStore,
  proxyEvent,
  quietLogger,
  recordingBus,
  testIds,
  viewer,
} from '../../support/fakes';

const setup = (logger = quietLogger()) => {
  const clock = fixedClock('2026-11-25T10:00:00Z');
  const members = memoryMemberStore();
  const bus = recordingBus();
  const deps = {
    projects: memoryProjectStore(),
    members,
    apiKeys: memoryApiKeyStore(),
    bus,
    clock,
    ids: testIds(clock),
    logger,
    consoleOrigin: 'https://console.example.com',
    access: { members, bus },
  };
  const handler = makeProjectsHandler(deps);
  const call = (...args: Parameters<typeof proxyEvent>) => handler(proxyEvent(...args), lambdaContext);
  return { deps, call };
};

const parse = (body: string) => JSON.parse(body) as Record<string, unknown>;

describe('projects handler', () => {
  it('creates a project: 201, Location, the project, security headers', async () => {
    const { call } = setup();

    const res = await call('createProject', { principal: admin, body: JSON.stringify({ name: 'web' }) });

    expect(res.statusCode).toBe(201);
    const project = parse(res.body);
    expect(project).toMatchObject({ name: 'web', version: 1 });
    expect(res.headers).toMatchObject({
      Location: `/v1/projects/${String(project.id)}`,
      'Content-Type': 'application/json; charset=utf-8',
      'X-Request-Id': 'req-test-1',
      'Strict-Transport-Security': expect.stringContaining('max-age') as unknown,
      'X-Content-Type-Options': 'nosniff',
    });
  });

  it('allows the console origin by CORS and no other', async () => {
    const { call } = setup();

    const ok = await call('listProjects', { principal: admin, headers: { Origin: 'https://console.example.com' } });
    const other = await call('listProjects', { principal: admin, headers: { Origin: 'https://evil.example.com' } });

    expect(ok.headers?.['Access-Control-Allow-Origin']).toBe('https://console.example.com');
    expect(other.headers?.['Access-Control-Allow-Origin']).toBeUndefined();
  });

  it.each([
    ['malformed JSON', '{"name":', {}, 400, 'INVALID_JSON'],
    ['a wrong type', JSON.stringify({ name: 7 }), {}, 400, 'VALIDATION_FAILED'],
    ['an unknown field', JSON.stringify({ name: 'a', owner: 'me' }), {}, 400, 'VALIDATION_FAILED'],
    ['no body', null, {}, 400, 'VALIDATION_FAILED'],
    ['a form body', 'name=a', { 'Content-Type': 'application/x-www-form-urlencoded' }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['a 1 MB body', JSON.stringify({ name: 'a', description: 'x'.repeat(1024 * 1024) }), {}, 413, 'PAYLOAD_TOO_LARGE'],
  ])('rejects %s with the error shape', async (_what, body, headers, status, code) => {
    const { call, deps } = setup();

    const res = await call('createProject', { principal: admin, body, headers });

    expect(res.statusCode).toBe(status);
    expect(parse(res.body)).toMatchObject({ error: { code, message: expect.any(String) as unknown } });
    expect(res.body).not.toMatch(/at .*\.ts:\d+/);
    expect(deps.projects.items.size).toBe(0);
  });

  it('names each unknown field in the details', async () => {
    const { call } = setup();

    const res = await call('createProject', { principal: admin, body: JSON.stringify({ name: 'a', owner: 'me', tier: 1 }) });

    expect(parse(res.body)).toEqual({
      error: {
        code: 'VALIDATION_FAILED',
        message: 'The request body is not valid.',
        details: [
          { location: 'body', path: 'owner', message: 'is not a known field' },
          { location: 'body', path: 'tier', message: 'is not a known field' },
        ],
      },
    });
  });

  it('answers 401 without a principal and 403 when the policy says no', async () => {
    const { call } = setup();

    const anonymous = await call('listProjects', {});
    const readOnly = await call('createProject', { principal: viewer, body: JSON.stringify({ name: 'web' }) });
    const viewerReads = await call('listProjects', { principal: viewer });

    expect(anonymous.statusCode).toBe(401);
    expect(readOnly.statusCode).toBe(403);
    expect(parse(readOnly.body)).toMatchObject({ error: { code: 'FORBIDDEN' } });
    expect(viewerReads.statusCode).toBe(200);
  });

  it('validates path and query parameters', async () => {
    const { call } = setup();

    const badId = await call('getProject', { principal: admin, pathParameters: { projectId: '../etc' } });
    const badLimit = await call('listProjects', { principal: admin, query: { limit: '1000' } });
    const unknownQuery = await call('listProjects', { principal: admin, query: { sort: 'name' } });

    expect([badId.statusCode, badLimit.statusCode, unknownQuery.statusCode]).toEqual([400, 400, 400]);
    expect(parse(badLimit.body)).toMatchObject({ error: { details: [{ location: 'query', path: 'limit' }] } });
  });

  it('answers 404 for a project that does not exist and 409 for a stale version', async () => {
    const { call } = setup();
    const created = parse((await call('createProject', { principal: admin, body: JSON.stringify({ name: 'web' }) })).body);
    const projectId = String(created.id);
    await call('updateProject', { principal: admin, pathParameters: { projectId }, body: JSON.stringify({ description: 'a' }) });

    const missing = await call('getProject', { principal: admin, pathParameters: { projectId: 'prj_00000000000000000000000000' } });
    const stale = await call('updateProject', {
      principal: admin,
      pathParameters: { projectId },
      body: JSON.stringify({ description: 'b', version: 1 }),
    });

    expect(missing.statusCode).toBe(404);
    expect(stale.statusCode).toBe(409);
    expect(parse(stale.body)).toMatchObject({ error: { code: 'VERSION_CONFLICT', details: { expectedVersion: 1, currentVersion: 2 } } });
  });

  it('turns an unexpected failure into a 500 that leaks nothing, and logs it for us', async () => {
    const captured = capturingLogger();
    try {
      const { call, deps } = setup(captured.logger);
      deps.projects.list = () => Promise.reject(new Error('connect ECONNREFUSED 10.1.2.3:8000 secret-host'));

      const res = await call('listProjects', { principal: admin });

      expect(res.statusCode).toBe(500);
      expect(parse(res.body)).toEqual({
        error: { code: 'INTERNAL', message: 'Something went wrong on our side.', details: { requestId: 'req-test-1' } },
      });
      expect(res.body).not.toContain('secret-host');
      expect(captured.lines.join('')).toContain('secret-host');
    } finally {
      captured.restore();
    }
  });

  it('never writes the bearer token to the logs', async () => {
    const captured = capturingLogger();
    try {
      const { call } = setup(captured.logger);

      await call('createProject', { principal: admin, body: '{bad', headers: { Authorization: 'Bearer CANARY-TOKEN-123' } });
      await call('listProjects', { principal: admin, headers: { Authorization: 'Bearer CANARY-TOKEN-123' } });

      expect(captured.lines.length).toBeGreaterThan(0);
      expect(captured.lines.join('')).not.toContain('CANARY-TOKEN-123');
    } finally {
      captured.restore();
    }
  });
});
