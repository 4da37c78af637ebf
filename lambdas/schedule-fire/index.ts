import { createDynamoScheduleStore } from '../../adapters/aws/schedule-store';
import { awsApiRuntime, awsTable } from '../aws-runtime';
import { awsRuns } from '../aws-runs';
import { makeScheduleFireHandler } from './handler';

const { bus, clock, ids, logger } = awsApiRuntime();

/** Invoked by EventBridge Scheduler (asynchronously) with the input of lambdas/schedule-fire/handler.ts. */
export const handler = makeScheduleFireHandler({ ...awsRuns(), schedules: createDynamoScheduleStore(awsTable()), bus, clock, ids, logger });
