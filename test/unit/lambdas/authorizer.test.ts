import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { principalFromContext } from '../../../core/identity/principal';
import { makeAuthorizer } from '../../../lambdas/authorizer/handler';
import type { TokenVerifier } from '../../../lambdas/authorizer/verifier';
import { fixedClock } from '../../../core/clock';
import { formatApiKey, hashApiKeySecret } from '../../../core/api-keys/token';
import type { ApiKeyRecord } from '../../../core/ports/access-store';
import { capturingLogger, memoryApiKeyStore, quietLogger } from '../../support/fakes';

const event = (headers: Record<string, string>): APIGatewayRequestAuthorizerEvent =>
  ({
    type: 'REQUEST',
    methodArn: 'arn:aws:execute-api:eu-west-1:123456789012:abc123/v1/GET/v1/projects',
    resource: '/v1/projects',
    path: '/v1/projects',
    httpMethod: 'GET',
    headers,
  }) as unknown as APIGatewayRequestAuthorizerEvent;

const verifierAccepting = (token: string, payload: Record<string, unknown>): TokenVerifier => ({
  verify: (t) => (t === token ? Promise.resolve(payload as never) : Promise.reject(new Error('JwtInvalidSignatureError'))),
});

const claims = { sub: 'u-1', username: 'ada', 'cognito:groups': ['admins'], token_use: 'access' };

const setup = (verifier: TokenVerifier, logger = quietLogger()) => {
  const clock = fixedClock('2026-11-25T10:00:00Z');
  const apiKeys = memoryApiKeyStore();
  const blocked = new Set<string>();
  const revoked: string[] = [];
  const authorize = makeAuthorizer({
    verifier,
    apiKeys,
    userAccess: { get: (u) => Promise.resolve({ blocked: blocked.has(u), revokedGroups: revoked }) },
    clock,
    logger,
  });
  return { authorize, apiKeys, blocked, revoked, clock };
};

const SECRET = 'S'.repeat(43);
const KEY_ID = 'key_01JD0000000000000000000000';
const keyRecord = (over: Partial<ApiKeyRecord> = {}): ApiKeyRecord => ({
  keyId: KEY_ID,
  projectId: 'prj_01JD0000000000000000000001',
  name: 'ci',
  role: 'operator',
  secretHash: hashApiKeySecret(SECRET),
  createdBy: 'admin',
  createdAt: '2026-11-01T00:00:00.000Z',
  expiresAt: '2026-12-01T00:00:00.000Z',
  ...over,
});

describe('authorizer', () => {
  it('allows the stage for a valid token and hands over the principal', async () => {
    const { authorize } = setup(verifierAccepting('good', claims));

    const result = await authorize(event({ authorization: 'Bearer good' }));

    expect(result.principalId).toBe('u-1');
    expect(result.policyDocument.Statement).toEqual([
      { Action: 'execute-api:Invoke', Effect: 'Allow', Resource: 'arn:aws:execute-api:eu-west-1:123456789012:abc123/v1/*' },
    ]);
    expect(principalFromContext(result.context)).toEqual({ type: 'user', sub: 'u-1', username: 'ada', groups: ['admins'] });
  });

  it('treats a user without groups as having none', async () => {
    const { authorize } = setup(verifierAccepting('good', { sub: 'u-2', username: 'bob' }));

    const result = await authorize(event({ Authorization: 'Bearer good' }));

    expect(principalFromContext(result.context)).toMatchObject({ type: 'user', groups: [] });
  });

  it.each([
    ['no Authorization header', {}],
    ['a non-bearer scheme', { Authorization: 'Basic YWRhOnB3' }],
    ['an empty bearer', { Authorization: 'Bearer ' }],
    ['a token the verifier rejects', { Authorization: 'Bearer forged' }],
  ])('answers Unauthorized for %s', async (_what, headers) => {
    const { authorize } = setup(verifierAccepting('good', claims));

    await expect(authorize(event(headers))).rejects.toThrow('Unauthorized');
  });

  it('rejects verified tokens that lack a subject or username', async () => {
    const { authorize } = setup(verifierAccepting('good', { sub: 'u-1' }));

    await expect(authorize(event({ Authorization: 'Bearer good' }))).rejects.toThrow('Unauthorized');
  });

  it('logs why a token was rejected without logging the token', async () => {
    const captured = capturingLogger();
    try {
      const { authorize } = setup(verifierAccepting('good', claims), captured.logger);

      await expect(authorize(event({ Authorization: 'Bearer CANARY-eyJhbGciOi' }))).rejects.toThrow();

      expect(captured.lines.join('')).toContain('credential rejected');
      expect(captured.lines.join('')).not.toContain('CANARY-eyJhbGciOi');
    } finally {
      captured.restore();
    }
  });

  it('refuses a blocked (disabled or deleted) user even with a valid token', async () => {
    const { authorize, blocked } = setup(verifierAccepting('good', claims));
    blocked.add('ada');

    await expect(authorize(event({ Authorization: 'Bearer good' }))).rejects.toThrow('Unauthorized');
  });

  it('ignores a group taken from the user even while their token still carries it', async () => {
    const { authorize, revoked } = setup(verifierAccepting('good', claims));
    revoked.push('admins');

    const result = await authorize(event({ Authorization: 'Bearer good' }));

    expect(principalFromContext(result.context)).toMatchObject({ type: 'user', groups: [] });
  });

  describe('API keys', () => {
    it.each([
      ['X-Api-Key', { 'X-Api-Key': formatApiKey(KEY_ID, SECRET) }],
      ['Authorization: Bearer opsc_…', { Authorization: `Bearer ${formatApiKey(KEY_ID, SECRET)}` }],
    ])('accepts a valid key in %s, scoped to its project and role', async (_how, headers) => {
      const { authorize, apiKeys } = setup(verifierAccepting('never', claims));
      await apiKeys.create(keyRecord());

      const result = await authorize(event(headers));

      expect(result.principalId).toBe(KEY_ID);
      expect(principalFromContext(result.context)).toEqual({
        type: 'apiKey',
        keyId: KEY_ID,
        name: 'ci',
        projectId: 'prj_01JD0000000000000000000001',
        role: 'operator',
      });
    });

    it.each([
      ['a wrong secret', () => formatApiKey(KEY_ID, 'T'.repeat(43)), keyRecord()],
      ['a revoked (deleted) key', () => formatApiKey(KEY_ID, SECRET), undefined],
      ['an expired key', () => formatApiKey(KEY_ID, SECRET), keyRecord({ expiresAt: '2026-11-25T09:59:59.999Z' })],
      ['a malformed key', () => 'opsc_nonsense', keyRecord()],
    ])('answers Unauthorized for %s', async (_what, token, stored) => {
      const { authorize, apiKeys } = setup(verifierAccepting('never', claims));
      if (stored) await apiKeys.create(stored);

      await expect(authorize(event({ 'X-Api-Key': token() }))).rejects.toThrow('Unauthorized');
    });

    it('records use at most once a minute', async () => {
      const { authorize, apiKeys, clock } = setup(verifierAccepting('never', claims));
      await apiKeys.create(keyRecord());
      const headers = { 'X-Api-Key': formatApiKey(KEY_ID, SECRET) };

      await authorize(event(headers));
      const first = apiKeys.items.get(KEY_ID)?.lastUsedAt;
      clock.advance(30_000);
      await authorize(event(headers));
      const within = apiKeys.items.get(KEY_ID)?.lastUsedAt;
      clock.advance(31_000);
      await authorize(event(headers));

      expect(first).toBe('2026-11-25T10:00:00.000Z');
      expect(within).toBe(first);
      expect(apiKeys.items.get(KEY_ID)?.lastUsedAt).toBe('2026-11-25T10:01:01.000Z');
    });

    it('never logs the key', async () => {
      const captured = capturingLogger();
      try {
        const { authorize, apiKeys } = setup(verifierAccepting('never', claims), captured.logger);
        await apiKeys.create(keyRecord());

        await expect(authorize(event({ 'X-Api-Key': formatApiKey(KEY_ID, 'W'.repeat(43)) }))).rejects.toThrow();

        expect(captured.lines.join('')).toContain('secret mismatch');
        expect(captured.lines.join('')).not.toContain('W'.repeat(43));
      } finally {
        captured.restore();
      }
    });
  });
});
