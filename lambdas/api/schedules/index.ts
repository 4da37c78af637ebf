import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { createDynamoJobStore } from '../../../adapters/aws/job-store';
import { createSchedulerScheduleSync } from '../../../adapters/aws/scheduler-schedule-sync';
import { createDynamoScheduleStore } from '../../../adapters/aws/schedule-store';
import { awsApiRuntime, awsTable, requireEnv } from '../../aws-runtime';
import { makeSchedulesHandler } from './handler';

const scheduleSync = createSchedulerScheduleSync({
  client: new SchedulerClient({}),
  config: {
    groupName: requireEnv('SCHEDULE_GROUP'),
    fireFunctionArn: requireEnv('SCHEDULE_FIRE_FUNCTION_ARN'),
    roleArn: requireEnv('SCHEDULER_ROLE_ARN'),
    deadLetterArn: requireEnv('SCHEDULE_DLQ_ARN'),
  },
});

export const handler = makeSchedulesHandler({ ...awsApiRuntime(), schedules: createDynamoScheduleStore(awsTable()), jobs: createDynamoJobStore(awsTable()), scheduleSync });
