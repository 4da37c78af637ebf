import { createDynamoJobStore } from '../../../adapters/aws/job-store';
import { awsApiRuntime, awsTable } from '../../aws-runtime';
import { awsNotificationDeps } from '../../aws-notifications';
import { makeNotificationsHandler } from './handler';

export const handler = makeNotificationsHandler({
  ...awsApiRuntime(),
  ...awsNotificationDeps(),
  jobs: createDynamoJobStore(awsTable()),
});
