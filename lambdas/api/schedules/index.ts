import { createDynamoJobStore } from '../../../adapters/aws/job-store';
import { createDynamoScheduleStore } from '../../../adapters/aws/schedule-store';
import { awsApiRuntime, awsTable } from '../../aws-runtime';
import { makeSchedulesHandler } from './handler';

export const handler = makeSchedulesHandler({ ...awsApiRuntime(), schedules: createDynamoScheduleStore(awsTable()), jobs: createDynamoJobStore(awsTable()) });
