import { awsLogger, requireEnv } from '../aws-runtime';
import { makeAuthorizer } from './handler';
import { createTokenVerifier } from './verifier';

export const handler = makeAuthorizer({
  verifier: createTokenVerifier({ issuer: requireEnv('TOKEN_ISSUER'), clientId: requireEnv('TOKEN_CLIENT_ID') }),
  logger: awsLogger(),
});
