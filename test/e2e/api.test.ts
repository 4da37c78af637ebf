import { generateKeyPairSync } from 'node:crypto';
import { rmSync } from 'node:fs';
import { startLocalStack, type StartedStack } from '../support/local-stack';
import { cognito, decodeJwt, request, signIn, signWithKey, signWithKeyFile } from '../support/http';

/**
 * The local stack over HTTP, as an API client drives it: sign-in through Cognito's InitiateAuth,
 * projects CRUD, data surviving a restart, and every kind of bad input answered with a clear 4xx.
 */
const ADMIN_EMAIL = 'admin@example.com';
const ADMIN_PASSWORD = 'CANARY-Adm1n!-passw0rd';

let stack: StartedStack;
let token: string;

beforeAll(async () => {
  stack = await startLocalStack({ env: { OPSC_ADMIN_EMAIL: ADMIN_EMAIL, OPSC_ADMIN_PASSWORD: ADMIN_PASSWORD, OPSC_SKIP_WEB_BUILD: '1' } });
  token = await signIn(stack.baseUrl, ADMIN_EMAIL, ADMIN_PASSWORD);
}, 120_000);

afterAll(async () => {
  await stack.stop();
  // After the restart test the stack runs on a folder it was given, which stop() leaves.
  rmSync(stack.dataDir, { recursive: true, force: true });
});

const api = (method: string, path: string, opts: Parameters<typeof request>[3] = {}) => request(stack.baseUrl, method, path, { token, ...opts });

const expectErrorShape = (res: { status: number; text: string; json: () => Record<string, unknown> }, status: number, code: string) => {
  expect(res.status).toBe(status);
  expect(res.json()).toMatchObject({ error: { code, message: expect.any(String) as unknown } });
  expect(res.text).not.toMatch(/\bat .+:\d+:\d+/); // no stack trace
  expect(res.text).not.toMatch(/node_modules|\.ts\b/);
};

describe('local stack over HTTP', () => {
  it('answers /health without a token', async () => {
    const res = await request(stack.baseUrl, 'GET', '/health');

    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('signs the administrator in with a Cognito-shaped access token', () => {
    const { header, payload } = decodeJwt(token);

    expect(header).toMatchObject({ alg: 'RS256', kid: expect.any(String) as unknown });
    expect(payload).toMatchObject({
      token_use: 'access',
      client_id: 'opsconductor-console',
      username: 'admin',
      'cognito:groups': ['admins'],
      iss: `${stack.baseUrl}/local-idp`,
    });
  });

  it('tells the caller who they are', async () => {
    const res = await api('GET', '/v1/me');

    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ username: 'admin', groups: ['admins'] });
  });

  it('serves the console runtime settings', async () => {
    const res = await request(stack.baseUrl, 'GET', '/config.json');

    expect(res.json()).toEqual({
      region: 'local',
      userPoolId: 'local_opsconductor',
      userPoolClientId: 'opsconductor-console',
      identityEndpoint: `${stack.baseUrl}/local-idp/`,
      apiBaseUrl: '',
    });
  });

  it('creates, reads, lists, updates and deletes a project', async () => {
    const created = await api('POST', '/v1/projects', { body: { name: 'e2e-crud', description: 'first' } });
    expect(created.status).toBe(201);
    const id = String(created.json().id);
    expect(created.headers.get('location')).toBe(`/v1/projects/${id}`);

    const read = await api('GET', `/v1/projects/${id}`);
    const listed = await api('GET', '/v1/projects?limit=100');
    const updated = await api('PATCH', `/v1/projects/${id}`, { body: { description: 'second', version: 1 } });
    const duplicate = await api('POST', '/v1/projects', { body: { name: 'E2E-CRUD' } });
    const deleted = await api('DELETE', `/v1/projects/${id}`);
    const gone = await api('GET', `/v1/projects/${id}`);

    expect(read.json()).toMatchObject({ id, name: 'e2e-crud', description: 'first', version: 1, createdBy: 'admin' });
    expect((listed.json().items as { id: string }[]).map((p) => p.id)).toContain(id);
    expect(updated.json()).toMatchObject({ description: 'second', version: 2 });
    expectErrorShape(duplicate, 409, 'CONFLICT');
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    expectErrorShape(gone, 404, 'NOT_FOUND');
  });

  it('answers a stale update with 409 VERSION_CONFLICT', async () => {
    const id = String((await api('POST', '/v1/projects', { body: { name: 'e2e-stale' } })).json().id);
    await api('PATCH', `/v1/projects/${id}`, { body: { description: 'a', version: 1 } });

    const stale = await api('PATCH', `/v1/projects/${id}`, { body: { description: 'b', version: 1 } });

    expectErrorShape(stale, 409, 'VERSION_CONFLICT');
  });

  describe('bad input', () => {
    it.each([
      ['malformed JSON', { rawBody: '{"name": "x",', headers: { 'Content-Type': 'application/json' } }, 400, 'INVALID_JSON'],
      ['a wrong type', { body: { name: 12 } }, 400, 'VALIDATION_FAILED'],
      ['an unknown field', { body: { name: 'ok', colour: 'red' } }, 400, 'VALIDATION_FAILED'],
      ['an empty name', { body: { name: '' } }, 400, 'VALIDATION_FAILED'],
      ['a 65-character name', { body: { name: 'n'.repeat(65) } }, 400, 'VALIDATION_FAILED'],
      ['a 1 MB body', { body: { name: 'big', description: 'x'.repeat(1024 * 1024) } }, 413, 'PAYLOAD_TOO_LARGE'],
      ['a text/plain body', { rawBody: '{"name":"x"}', headers: { 'Content-Type': 'text/plain' } }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ])('rejects %s', async (_what, opts, status, code) => {
      const before = (await api('GET', '/v1/projects?limit=100')).json().items as unknown[];

      const res = await api('POST', '/v1/projects', opts);

      expectErrorShape(res, status, code);
      expect((await api('GET', '/v1/projects?limit=100')).json().items).toHaveLength(before.length);
    });

    it('names the offending fields', async () => {
      const res = await api('POST', '/v1/projects', { body: { name: 12, colour: 'red' } });

      expect(res.json().error).toMatchObject({
        details: expect.arrayContaining([
          expect.objectContaining({ location: 'body', path: 'name' }),
          expect.objectContaining({ location: 'body', path: 'colour' }),
        ]) as unknown,
      });
    });

    it('answers an unknown route with 404 and a wrong method with 405', async () => {
      expectErrorShape(await api('GET', '/v1/nothing-here'), 404, 'ROUTE_NOT_FOUND');
      const wrongMethod = await api('PUT', '/v1/projects');
      expectErrorShape(wrongMethod, 405, 'METHOD_NOT_ALLOWED');
      expect(wrongMethod.headers.get('allow')).toBe('GET, POST');
    });

    it('answers a malformed id with 400 and an unknown one with 404', async () => {
      expectErrorShape(await api('GET', '/v1/projects/not-an-id'), 400, 'VALIDATION_FAILED');
      expectErrorShape(await api('GET', '/v1/projects/prj_00000000000000000000000000'), 404, 'NOT_FOUND');
    });

    describe('tokens', () => {
      const now = () => Math.floor(Date.now() / 1000);
      const claims = () => ({
        ...decodeJwt(token).payload,
        iat: now(),
        exp: now() + 3600,
      });
      const kid = () => String(decodeJwt(token).header.kid);

      it.each([
        ['no token', () => undefined],
        ['a garbage token', () => 'not.a.jwt'],
        ['a token signed with another key', () => signWithKey(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey, { kid: kid() }, claims())],
        ['an expired token', () => signWithKeyFile(stack.dataDir, { kid: kid() }, { ...claims(), iat: now() - 7200, exp: now() - 3600 })],
        ['a token from another issuer', () => signWithKeyFile(stack.dataDir, { kid: kid() }, { ...claims(), iss: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_evil' })],
        ['an id token instead of an access token', () => signWithKeyFile(stack.dataDir, { kid: kid() }, { ...claims(), token_use: 'id' })],
        ['a token for another client', () => signWithKeyFile(stack.dataDir, { kid: kid() }, { ...claims(), client_id: 'someone-else' })],
        ['an unsigned token', () => `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims())).toString('base64url')}.`],
      ])('answers 401 for %s', async (_what, make) => {
        const bad = make();

        const res = await request(stack.baseUrl, 'GET', '/v1/projects', bad === undefined ? {} : { token: bad });

        expectErrorShape(res, 401, 'UNAUTHORIZED');
        expect(res.headers.get('www-authenticate')).toBe('Bearer');
      });

      it('accepts a token it signed itself with the right claims (the forgeries above differ only in what they test)', async () => {
        const res = await request(stack.baseUrl, 'GET', '/v1/me', { token: signWithKeyFile(stack.dataDir, { kid: kid() }, claims()) });

        expect(res.status).toBe(200);
      });
    });

    it('rejects a wrong password the way Cognito does', async () => {
      const res = await cognito(stack.baseUrl, 'InitiateAuth', {
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: 'opsconductor-console',
        AuthParameters: { USERNAME: ADMIN_EMAIL, PASSWORD: 'wrong' },
      });

      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ __type: 'NotAuthorizedException' });
    });
  });

  it('never prints the password or a token', () => {
    expect(stack.output()).not.toContain(ADMIN_PASSWORD);
    expect(stack.output()).not.toContain(token);
    expect(stack.output()).not.toContain(token.split('.')[2]);
  });

  it('keeps its data across a restart and refuses a second instance on the same folder', async () => {
    const id = String((await api('POST', '/v1/projects', { body: { name: 'e2e-survivor' } })).json().id);

    const second = await startLocalStack({ dataDir: stack.dataDir, env: { OPSC_SKIP_WEB_BUILD: '1' } }).catch((e: unknown) => e as Error);
    expect(second).toBeInstanceOf(Error);
    expect((second as Error).message).toMatch(/already running on the data folder/);

    await stack.kill();
    stack = await startLocalStack({ dataDir: stack.dataDir, env: { OPSC_SKIP_WEB_BUILD: '1' } });
    token = await signIn(stack.baseUrl, ADMIN_EMAIL, ADMIN_PASSWORD);

    const after = await api('GET', `/v1/projects/${id}`);
    expect(after.status).toBe(200);
    expect(after.json()).toMatchObject({ name: 'e2e-survivor' });
  }, 120_000);
});

describe('first start without configured credentials', () => {
  let fresh: StartedStack;
  afterAll(async () => {
    await fresh.stop();
  });

  it('prints a generated password once and forces a new one at first sign-in', async () => {
    fresh = await startLocalStack({ env: { OPSC_ADMIN_EMAIL: '', OPSC_ADMIN_PASSWORD: '', OPSC_SKIP_WEB_BUILD: '1' } });
    const printed = /temporary password\s+(\S+)/.exec(fresh.output())?.[1];
    expect(printed).toBeDefined();

    const first = await cognito(fresh.baseUrl, 'InitiateAuth', {
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: 'opsconductor-console',
      AuthParameters: { USERNAME: 'admin', PASSWORD: printed },
    });
    expect(first.body).toMatchObject({ ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: expect.any(String) as unknown });

    const answered = await cognito(fresh.baseUrl, 'RespondToAuthChallenge', {
      ChallengeName: 'NEW_PASSWORD_REQUIRED',
      ClientId: 'opsconductor-console',
      Session: first.body.Session,
      ChallengeResponses: { USERNAME: 'admin', NEW_PASSWORD: 'N3w-Secure-Passw0rd!' },
    });
    expect(answered.body).toMatchObject({ AuthenticationResult: { AccessToken: expect.any(String) as unknown } });

    const newToken = await signIn(fresh.baseUrl, 'admin', 'N3w-Secure-Passw0rd!');
    expect((await request(fresh.baseUrl, 'GET', '/v1/me', { token: newToken })).status).toBe(200);
    await expect(signIn(fresh.baseUrl, 'admin', printed ?? '')).rejects.toThrow();
  }, 120_000);
});
