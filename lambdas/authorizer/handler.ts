import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { principalToContext, type Principal } from '../../core/identity/principal';
import type { TokenVerifier } from './verifier';

/**
 * The REQUEST authorizer in front of every non-public route. It answers "who is this?" only;
 * what they may do is the policy's business, asked by the handler chain per route.
 * Throwing 'Unauthorized' is API Gateway's contract for a 401.
 */
export const UNAUTHORIZED = 'Unauthorized';

const bearerToken = (headers: APIGatewayRequestAuthorizerEvent['headers']): string | undefined => {
  const entry = Object.entries(headers ?? {}).find(([k]) => k.toLowerCase() === 'authorization');
  const match = /^Bearer\s+(\S+)\s*$/i.exec(entry?.[1] ?? '');
  return match?.[1];
};

const principalOf = (payload: Record<string, unknown>): Principal | undefined => {
  const { sub, username } = payload;
  const groups = payload['cognito:groups'] ?? [];
  if (typeof sub !== 'string' || typeof username !== 'string' || !Array.isArray(groups)) return undefined;
  return { type: 'user', sub, username, groups: groups.filter((g): g is string => typeof g === 'string') };
};

/** Allow the whole stage: the decision does not depend on the method, and it keeps cached policies valid. */
const stageWildcard = (methodArn: string) => methodArn.split('/').slice(0, 2).join('/') + '/*';

export const makeAuthorizer =
  (deps: { verifier: TokenVerifier; logger: Logger }) =>
  async (event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
    const token = bearerToken(event.headers);
    if (token === undefined) throw new Error(UNAUTHORIZED);
    let principal: Principal | undefined;
    try {
      principal = principalOf(await deps.verifier.verify(token));
    } catch (e) {
      // The reason helps operators; the token itself is never logged.
      deps.logger.info('token rejected', { reason: e instanceof Error ? e.name : 'unknown', path: event.path });
    }
    if (!principal) throw new Error(UNAUTHORIZED);
    return {
      principalId: principal.sub,
      policyDocument: {
        Version: '2012-10-17',
        Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: stageWildcard(event.methodArn) }],
      },
      context: principalToContext(principal),
    };
  };
