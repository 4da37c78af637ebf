import { randomBytes } from 'node:crypto';
import { KMSClient } from '@aws-sdk/client-kms';
import { createDynamoJobStore } from '../../../adapters/aws/job-store';
import { createKmsRunSealer } from '../../../adapters/aws/kms-run-sealer';
import { createDynamoTriggerStore } from '../../../adapters/aws/trigger-store';
import { noTriggerSync } from '../../../core/ports/trigger-sync';
import { awsApiRuntime, awsTable, requireEnv } from '../../aws-runtime';
import { makeTriggersHandler } from './handler';

/**
 * On AWS triggers are stored and webhook secrets sealed with the runs key (RUNS_KMS_KEY_ID), but no
 * EventBridge rule per trigger exists yet (docs/triggers.md): the sync is a no-op.
 */
export const handler = makeTriggersHandler({
  ...awsApiRuntime(),
  triggers: createDynamoTriggerStore(awsTable()),
  jobs: createDynamoJobStore(awsTable()),
  sealer: createKmsRunSealer({ kms: new KMSClient({}), keyId: requireEnv('RUNS_KMS_KEY_ID') }),
  random: randomBytes,
  triggerSync: noTriggerSync,
});
