import { randomBytes } from 'node:crypto';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { KMSClient } from '@aws-sdk/client-kms';
import { createEventBridgeTriggerSync } from '../../../adapters/aws/eventbridge-trigger-sync';
import { createDynamoJobStore } from '../../../adapters/aws/job-store';
import { createKmsRunSealer } from '../../../adapters/aws/kms-run-sealer';
import { createDynamoTriggerStore } from '../../../adapters/aws/trigger-store';
import { awsApiRuntime, awsTable, requireEnv } from '../../aws-runtime';
import { makeTriggersHandler } from './handler';

/**
 * Triggers in the table, webhook secrets sealed with the runs key (RUNS_KMS_KEY_ID), and one
 * EventBridge rule per trigger on the bus targeting the trigger-fire Lambda (cdk/lib/triggers.ts).
 */
export const handler = makeTriggersHandler({
  ...awsApiRuntime(),
  triggers: createDynamoTriggerStore(awsTable()),
  jobs: createDynamoJobStore(awsTable()),
  sealer: createKmsRunSealer({ kms: new KMSClient({}), keyId: requireEnv('RUNS_KMS_KEY_ID') }),
  random: randomBytes,
  triggerSync: createEventBridgeTriggerSync({
    client: new EventBridgeClient({}),
    config: { busName: requireEnv('EVENT_BUS_NAME'), fireFunctionArn: requireEnv('TRIGGER_FIRE_FUNCTION_ARN'), deadLetterArn: requireEnv('TRIGGER_DLQ_ARN') },
  }),
});
