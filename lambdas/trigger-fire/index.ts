import { createDynamoTriggerStore } from '../../adapters/aws/trigger-store';
import { awsApiRuntime, awsTable } from '../aws-runtime';
import { awsRuns } from '../aws-runs';
import { makeTriggerFireHandler } from './handler';

const { bus, clock, ids, logger } = awsApiRuntime();

/** Invoked (asynchronously) by each trigger's EventBridge rule with the input of lambdas/trigger-fire/handler.ts. */
export const handler = makeTriggerFireHandler({ ...awsRuns(), triggers: createDynamoTriggerStore(awsTable()), bus, clock, ids, logger });
