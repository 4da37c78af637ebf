import { createDynamoApiKeyStore, createDynamoUserAccessStore } from '../../adapters/aws/access-store';
import { systemClock } from '../../core/clock';
import { awsLogger, awsTable, requireEnv } from '../aws-runtime';
import { makeAuthorizer } from './handler';
import { createTokenVerifier } from './verifier';

const table = awsTable();

export const handler = makeAuthorizer({
  verifier: createTokenVerifier({ issuer: requireEnv('TOKEN_ISSUER'), clientId: requireEnv('TOKEN_CLIENT_ID') }),
  apiKeys: createDynamoApiKeyStore(table),
  userAccess: createDynamoUserAccessStore(table),
  clock: systemClock,
  logger: awsLogger(),
});
