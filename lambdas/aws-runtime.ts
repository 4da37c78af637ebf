import { randomBytes } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDynamoApiKeyStore, createDynamoMemberStore, createDynamoUserAccessStore } from '../adapters/aws/access-store';
import { createCognitoUserDirectory } from '../adapters/aws/cognito-user-directory';
import { createEventBridgeBus } from '../adapters/aws/eventbridge-bus';
import { createDynamoProjectStore } from '../adapters/aws/project-store';
import { systemClock } from '../core/clock';
import { createIdGenerator } from '../core/ids';

/**
 * The AWS composition root: the only place that reads Lambda environment variables and builds
 * AWS clients. Each index.ts calls it once at module load (cold start), never per request.
 */
export const requireEnv = (name: string): string => {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`Environment variable ${name} is required`);
  return value;
};

export const awsLogger = () => new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'opsconductor' });

export const awsTable = () => {
  const tableName = requireEnv('TABLE_NAME');
  const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
  return { ddb, tableName };
};

export const awsApiRuntime = () => {
  const table = awsTable();
  const bus = createEventBridgeBus({ client: new EventBridgeClient({}), busName: requireEnv('EVENT_BUS_NAME') });
  const members = createDynamoMemberStore(table);
  return {
    logger: awsLogger(),
    consoleOrigin: process.env.CONSOLE_ORIGIN,
    clock: systemClock,
    ids: createIdGenerator(systemClock, randomBytes),
    random: randomBytes,
    bus,
    projects: createDynamoProjectStore(table),
    members,
    apiKeys: createDynamoApiKeyStore(table),
    userAccess: createDynamoUserAccessStore(table),
    access: { members, bus },
  };
};

/** Only the handlers that manage people talk to Cognito's admin API. */
export const awsUserDirectory = () =>
  createCognitoUserDirectory({ client: new CognitoIdentityProviderClient({}), userPoolId: requireEnv('USER_POOL_ID') });
