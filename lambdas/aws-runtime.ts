import { randomBytes } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
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

export const awsApiRuntime = () => {
  const tableName = requireEnv('TABLE_NAME');
  const busName = requireEnv('EVENT_BUS_NAME');
  const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
  return {
    logger: awsLogger(),
    consoleOrigin: process.env.CONSOLE_ORIGIN,
    clock: systemClock,
    ids: createIdGenerator(systemClock, randomBytes),
    store: createDynamoProjectStore({ ddb, tableName }),
    bus: createEventBridgeBus({ client: new EventBridgeClient({}), busName }),
  };
};
