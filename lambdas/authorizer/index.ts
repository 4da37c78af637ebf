import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { createDynamoApiKeyStore, createDynamoUserAccessStore } from '../../adapters/aws/access-store';
import { createApiGatewayUsageKeys, usagePlanNamed } from '../../adapters/aws/api-gateway-usage-keys';
import { systemClock } from '../../core/clock';
import { awsLogger, awsTable, requireEnv } from '../aws-runtime';
import { makeAuthorizer } from './handler';
import { createTokenVerifier } from './verifier';

const table = awsTable();
const logger = awsLogger();
const apiGateway = new APIGatewayClient({});

export const handler = makeAuthorizer({
  verifier: createTokenVerifier({ issuer: requireEnv('TOKEN_ISSUER'), clientId: requireEnv('TOKEN_CLIENT_ID') }),
  apiKeys: createDynamoApiKeyStore(table),
  userAccess: createDynamoUserAccessStore(table),
  clock: systemClock,
  logger,
  // The stack cannot hand this function the usage plan's id (the plan depends on it through the
  // stage), so it names the plan and the id is looked up when the first usage key is created.
  usageKeys: createApiGatewayUsageKeys({
    apiGateway,
    ...table,
    usagePlanId: usagePlanNamed(apiGateway, requireEnv('USAGE_PLAN_NAME')),
    logger,
  }),
});
