import { createDynamoJobStore } from '../../../adapters/aws/job-store';
import { awsApiRuntime, awsTable } from '../../aws-runtime';
import { makeJobsHandler } from './handler';

export const handler = makeJobsHandler({ ...awsApiRuntime(), jobs: createDynamoJobStore(awsTable()) });
