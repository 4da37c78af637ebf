import { KMSClient } from '@aws-sdk/client-kms';
import { createKmsRunSealer } from '../../../adapters/aws/kms-run-sealer';
import { createDynamoTriggerStore } from '../../../adapters/aws/trigger-store';
import { awsApiRuntime, awsTable, requireEnv } from '../../aws-runtime';
import { makeHooksHandler } from './handler';

const { bus, logger, clock } = awsApiRuntime();

export const handler = makeHooksHandler({
  logger,
  consoleOrigin: process.env.CONSOLE_ORIGIN,
  bus,
  clock,
  triggers: createDynamoTriggerStore(awsTable()),
  sealer: createKmsRunSealer({ kms: new KMSClient({}), keyId: requireEnv('RUNS_KMS_KEY_ID') }),
});
