import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { parseApiKey, secretMatches } from '../../core/api-keys/token';
import type { Clock } from '../../core/clock';
import { principalToContext, type Principal, type UserPrincipal } from '../../core/identity/principal';
import type { ApiKeyStore, UserAccessStore } from '../../core/ports/access-store';
import type { UsageKeys } from '../../core/ports/usage-keys';
import type { TokenVerifier } from './verifier';

/**
 * The REQUEST authorizer in front of every non-public route. It answers "who is this?" only:
 * a Cognito access token (Authorization: Bearer <jwt>) or a project API key (X-Api-Key, or
 * Authorization: Bearer opsc_…). What they may do is the policy's business, asked by the handler
 * chain per route. Throwing 'Unauthorized' is API Gateway's contract for a 401.
 */
export const UNAUTHORIZED = 'Unauthorized';
/** lastUsedAt is written at most this often per key, so busy integrations do not turn reads into writes. */
export const KEY_TOUCH_INTERVAL_MS = 60_000;

export interface AuthorizerDeps {
  verifier: TokenVerifier;
  apiKeys: Pick<ApiKeyStore, 'get' | 'touch'>;
  userAccess: Pick<UserAccessStore, 'get'>;
  clock: Clock;
  logger: Logger;
  /** On AWS, the usage-plan key that throttles this caller; absent locally, where the gateway throttles. */
  usageKeys?: UsageKeys | undefined;
}

const header = (headers: APIGatewayRequestAuthorizerEvent['headers'], name: string): string | undefined =>
  Object.entries(headers ?? {}).find(([k]) => k.toLowerCase() === name)?.[1];

const bearerToken = (headers: APIGatewayRequestAuthorizerEvent['headers']): string | undefined =>
  /^Bearer\s+(\S+)\s*$/i.exec(header(headers, 'authorization') ?? '')?.[1];

const userOf = (payload: Record<string, unknown>): UserPrincipal | undefined => {
  const { sub, username } = payload;
  const groups = payload['cognito:groups'] ?? [];
  if (typeof sub !== 'string' || typeof username !== 'string' || !Array.isArray(groups)) return undefined;
  return { type: 'user', sub, username, groups: groups.filter((g): g is string => typeof g === 'string') };
};

/** Allow the whole stage: the decision does not depend on the method, and it keeps cached policies valid. */
const stageWildcard = (methodArn: string) => methodArn.split('/').slice(0, 2).join('/') + '/*';

export const makeAuthorizer = (deps: AuthorizerDeps) => {
  // Reasons are logged for operators; credentials never are.
  const reject = (reason: string, path: string): never => {
    deps.logger.info('credential rejected', { reason, path });
    throw new Error(UNAUTHORIZED);
  };

  const fromApiKey = async (token: string, path: string): Promise<Principal> => {
    const parsed = parseApiKey(token) ?? reject('malformed API key', path);
    const key = (await deps.apiKeys.get(parsed.keyId)) ?? reject('unknown or revoked API key', path);
    if (!secretMatches(parsed.secret, key.secretHash)) reject('API key secret mismatch', path);
    const now = deps.clock.now();
    if (Date.parse(key.expiresAt) <= now.getTime()) reject('expired API key', path);
    await deps.apiKeys.touch(key.keyId, now, KEY_TOUCH_INTERVAL_MS);
    return { type: 'apiKey', keyId: key.keyId, name: key.name, projectId: key.projectId, role: key.role };
  };

  const fromJwt = async (token: string, path: string): Promise<Principal> => {
    let payload: Record<string, unknown>;
    try {
      payload = await deps.verifier.verify(token);
    } catch (e) {
      return reject(e instanceof Error ? e.name : 'invalid token', path);
    }
    const user = userOf(payload) ?? reject('token without subject or username', path);
    const access = await deps.userAccess.get(user.username);
    if (access.blocked) reject('user disabled or deleted', path);
    return { ...user, groups: user.groups.filter((g) => !access.revokedGroups.includes(g)) };
  };

  return async (event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
    const path = event.path;
    const apiKey = header(event.headers, 'x-api-key');
    const bearer = bearerToken(event.headers);
    let principal: Principal;
    if (apiKey !== undefined) principal = await fromApiKey(apiKey.trim(), path);
    else if (bearer?.startsWith('opsc_')) principal = await fromApiKey(bearer, path);
    else if (bearer !== undefined) principal = await fromJwt(bearer, path);
    else return reject('no credentials', path);
    return {
      principalId: principal.type === 'user' ? principal.sub : principal.keyId,
      policyDocument: {
        Version: '2012-10-17',
        Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: stageWildcard(event.methodArn) }],
      },
      context: principalToContext(principal),
      ...(deps.usageKeys ? { usageIdentifierKey: await deps.usageKeys.keyFor(principal) } : {}),
    };
  };
};
