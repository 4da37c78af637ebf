import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { principalFromContext } from '../../../core/identity/principal';
import { makeAuthorizer } from '../../../lambdas/authorizer/handler';
import type { TokenVerifier } from '../../../lambdas/authorizer/verifier';
import { capturingLogger, quietLogger } from '../../support/fakes';

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

describe('authorizer', () => {
  it('allows the stage for a valid token and hands over the principal', async () => {
    const authorize = makeAuthorizer({ verifier: verifierAccepting('good', claims), logger: quietLogger() });

    const result = await authorize(event({ authorization: 'Bearer good' }));

    expect(result.principalId).toBe('u-1');
    expect(result.policyDocument.Statement).toEqual([
      { Action: 'execute-api:Invoke', Effect: 'Allow', Resource: 'arn:aws:execute-api:eu-west-1:123456789012:abc123/v1/*' },
    ]);
    expect(principalFromContext(result.context)).toEqual({ type: 'user', sub: 'u-1', username: 'ada', groups: ['admins'] });
  });

  it('treats a user without groups as having none', async () => {
    const authorize = makeAuthorizer({ verifier: verifierAccepting('good', { sub: 'u-2', username: 'bob' }), logger: quietLogger() });

    const result = await authorize(event({ Authorization: 'Bearer good' }));

    expect(principalFromContext(result.context)?.groups).toEqual([]);
  });

  it.each([
    ['no Authorization header', {}],
    ['a non-bearer scheme', { Authorization: 'Basic YWRhOnB3' }],
    ['an empty bearer', { Authorization: 'Bearer ' }],
    ['a token the verifier rejects', { Authorization: 'Bearer forged' }],
  ])('answers Unauthorized for %s', async (_what, headers) => {
    const authorize = makeAuthorizer({ verifier: verifierAccepting('good', claims), logger: quietLogger() });

    await expect(authorize(event(headers))).rejects.toThrow('Unauthorized');
  });

  it('rejects verified tokens that lack a subject or username', async () => {
    const authorize = makeAuthorizer({ verifier: verifierAccepting('good', { sub: 'u-1' }), logger: quietLogger() });

    await expect(authorize(event({ Authorization: 'Bearer good' }))).rejects.toThrow('Unauthorized');
  });

  it('logs why a token was rejected without logging the token', async () => {
    const captured = capturingLogger();
    try {
      const authorize = makeAuthorizer({ verifier: verifierAccepting('good', claims), logger: captured.logger });

      await expect(authorize(event({ Authorization: 'Bearer CANARY-eyJhbGciOi' }))).rejects.toThrow();

      expect(captured.lines.join('')).toContain('token rejected');
      expect(captured.lines.join('')).not.toContain('CANARY-eyJhbGciOi');
    } finally {
      captured.restore();
    }
  });
});
