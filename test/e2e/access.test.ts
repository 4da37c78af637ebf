import { cognito, request } from '../support/http';
import { ADMIN, inviteAndSignIn, offsetClock, startInProcessStack } from '../support/in-process-stack';

/** Access control over HTTP: API key lifecycle, membership and account changes taking effect at once, lockout, throttling. */
const DAY = 24 * 60 * 60 * 1000;

describe('access control', () => {
  const clock = offsetClock();
  let stack: Awaited<ReturnType<typeof startInProcessStack>>;
  let projectId: string;

  beforeAll(async () => {
    stack = await startInProcessStack({ clock });
    projectId = String((await request(stack.url, 'POST', '/v1/projects', { token: stack.adminToken, body: { name: 'access' } })).json().id);
  }, 60_000);
  afterAll(async () => {
    await stack.close();
  });

  const asAdmin = (method: string, path: string, body?: unknown) =>
    request(stack.url, method, path, { token: stack.adminToken, ...(body === undefined ? {} : { body }) });
  const withKey = (key: string, method: string, path: string) => request(stack.url, method, path, { headers: { 'X-Api-Key': key } });

  it('runs an API key through its life: create, use, list without secret, revoke', async () => {
    const created = await asAdmin('POST', `/v1/projects/${projectId}/api-keys`, { name: 'deployer', role: 'operator' });
    expect(created.status).toBe(201);
    const { apiKey, secret } = created.json() as { apiKey: { keyId: string; expiresAt: string }; secret: string };
    expect(secret).toMatch(new RegExp(`^opsc_${apiKey.keyId}_[A-Za-z0-9_-]{43}$`));
    expect(Date.parse(apiKey.expiresAt) - clock.now().getTime()).toBeGreaterThan(89 * DAY);

    const me = await withKey(secret, 'GET', '/v1/me');
    const bearer = await request(stack.url, 'GET', `/v1/projects/${projectId}`, { token: secret });
    const listed = await asAdmin('GET', `/v1/projects/${projectId}/api-keys`);

    expect(me.json()).toEqual({ type: 'apiKey', keyId: apiKey.keyId, name: 'deployer', projects: [{ projectId, role: 'operator' }] });
    expect(bearer.status).toBe(200);
    expect(listed.text).not.toContain(secret.slice(-43));
    expect(listed.text).not.toMatch(/secretHash/);
    expect((listed.json().items as { keyId: string; lastUsedAt?: string }[]).find((k) => k.keyId === apiKey.keyId)?.lastUsedAt).toBeDefined();

    expect((await asAdmin('DELETE', `/v1/projects/${projectId}/api-keys/${apiKey.keyId}`)).status).toBe(204);
    expect((await withKey(secret, 'GET', '/v1/me')).status).toBe(401);
  });

  it('refuses an expired key', async () => {
    const { secret } = (await asAdmin('POST', `/v1/projects/${projectId}/api-keys`, { name: 'short', role: 'viewer', expiresInDays: 1 })).json() as {
      secret: string;
    };
    expect((await withKey(secret, 'GET', '/v1/me')).status).toBe(200);

    clock.advance(DAY + 1000);

    expect((await withKey(secret, 'GET', '/v1/me')).status).toBe(401);
  });

  it('validates key creation', async () => {
    for (const body of [{ name: 'x', role: 'admin' }, { name: 'x', role: 'viewer', expiresInDays: 366 }, { name: '', role: 'viewer' }]) {
      expect((await asAdmin('POST', `/v1/projects/${projectId}/api-keys`, body)).status).toBe(400);
    }
  });

  it('applies a member removal and a disabled account on the next request', async () => {
    const viewer = await inviteAndSignIn(stack.url, stack.adminToken, 'vera');
    await asAdmin('PUT', `/v1/projects/${projectId}/members/vera`, { role: 'viewer' });
    const read = () => request(stack.url, 'GET', `/v1/projects/${projectId}`, { token: viewer.token });
    expect((await read()).status).toBe(200);
    const mine = await request(stack.url, 'GET', '/v1/projects', { token: viewer.token });
    expect((mine.json().items as { id: string }[]).map((p) => p.id)).toEqual([projectId]);

    await asAdmin('DELETE', `/v1/projects/${projectId}/members/vera`);
    expect((await read()).status).toBe(404);

    await asAdmin('PATCH', '/v1/users/vera', { enabled: false });
    expect((await request(stack.url, 'GET', '/v1/me', { token: viewer.token })).status).toBe(401);
    const signIn = await cognito(stack.url, 'InitiateAuth', {
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: 'opsconductor-console',
      AuthParameters: { USERNAME: 'vera', PASSWORD: viewer.password },
    });
    expect(signIn.status).toBe(400);

    await asAdmin('PATCH', '/v1/users/vera', { enabled: true });
    const again = await cognito(stack.url, 'InitiateAuth', {
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: 'opsconductor-console',
      AuthParameters: { USERNAME: 'vera', PASSWORD: viewer.password },
    });
    const token = (again.body.AuthenticationResult as { AccessToken: string }).AccessToken;
    expect((await request(stack.url, 'GET', '/v1/me', { token })).status).toBe(200);
  });

  it('keeps at least one admin in a project', async () => {
    const members = (await asAdmin('GET', `/v1/projects/${projectId}/members`)).json().items as { userId: string; role: string }[];
    expect(members).toEqual([expect.objectContaining({ userId: 'admin', role: 'admin' })]);

    const demote = await asAdmin('PUT', `/v1/projects/${projectId}/members/admin`, { role: 'viewer' });
    const remove = await asAdmin('DELETE', `/v1/projects/${projectId}/members/admin`);

    expect(demote.status).toBe(409);
    expect(remove.status).toBe(409);
    await inviteAndSignIn(stack.url, stack.adminToken, 'second');
    await asAdmin('PUT', `/v1/projects/${projectId}/members/second`, { role: 'admin' });
    expect((await asAdmin('PUT', `/v1/projects/${projectId}/members/admin`, { role: 'viewer' })).status).toBe(200);
  });

  it('takes global admin rights away on the next request, though the token still lists the group', async () => {
    const boss = await inviteAndSignIn(stack.url, stack.adminToken, 'boss', { admin: true });
    expect((await request(stack.url, 'GET', '/v1/users', { token: boss.token })).status).toBe(200);

    await asAdmin('PATCH', '/v1/users/boss', { admin: false });

    expect((await request(stack.url, 'GET', '/v1/users', { token: boss.token })).status).toBe(403);
    await asAdmin('PATCH', '/v1/users/boss', { admin: true });
    expect((await request(stack.url, 'GET', '/v1/users', { token: boss.token })).status).toBe(200);
  });

  it('does not let admins lock themselves out', async () => {
    expect((await asAdmin('PATCH', '/v1/users/admin', { enabled: false })).status).toBe(409);
    expect((await asAdmin('DELETE', '/v1/users/admin')).status).toBe(409);
  });

  it('locks an account for 15 minutes after 5 failed sign-ins', async () => {
    const attempt = (password: string) =>
      cognito(stack.url, 'InitiateAuth', {
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: 'opsconductor-console',
        AuthParameters: { USERNAME: ADMIN.email, PASSWORD: password },
      });
    for (let i = 0; i < 5; i++) expect((await attempt(`wrong-${i}`)).status).toBe(400);

    const locked = await attempt(ADMIN.password);
    clock.advance(15 * 60 * 1000 + 1000);
    const unlocked = await attempt(ADMIN.password);

    expect(locked.body).toMatchObject({ __type: 'NotAuthorizedException', message: 'Password attempts exceeded' });
    expect(unlocked.status).toBe(200);
  });

  it('answers a body over 256 KB with 413', async () => {
    const res = await asAdmin('POST', '/v1/projects', { name: 'big', description: 'x'.repeat(300 * 1024) });

    expect(res.status).toBe(413);
    expect(res.json()).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
  });
});

describe('throttling', () => {
  let stack: Awaited<ReturnType<typeof startInProcessStack>>;
  let key: string;
  beforeAll(async () => {
    stack = await startInProcessStack({ rateLimit: { ratePerSecond: 0.5, burst: 3 } });
    const project = await request(stack.url, 'POST', '/v1/projects', { token: stack.adminToken, body: { name: 'throttled' } });
    const created = await request(stack.url, 'POST', `/v1/projects/${String(project.json().id)}/api-keys`, {
      token: stack.adminToken,
      body: { name: 'busy', role: 'viewer' },
    });
    key = String(created.json().secret);
  }, 60_000);
  afterAll(async () => {
    await stack.close();
  });

  it('answers 429 with Retry-After once a caller spends its burst, and only that caller', async () => {
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < 4; i++) {
      last = await request(stack.url, 'GET', '/v1/me', { headers: { 'X-Api-Key': key } });
      statuses.push(last.status);
    }
    const someoneElse = await request(stack.url, 'GET', '/v1/me', { token: stack.adminToken });

    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(last?.headers.get('retry-after')).toBe('2');
    expect(last?.json()).toMatchObject({ error: { code: 'TOO_MANY_REQUESTS', details: { retryAfterSeconds: 2 } } });
    expect(someoneElse.status).toBe(200);
  });
});
