import { awsLogger } from '../aws-runtime';
import { awsNotificationDeps } from '../aws-notifications';
import { makeNotificationConsumer } from './handler';

/** Invoked by the EventBridge rule on Run Started and Run Completed with one event envelope. */
export const handler = makeNotificationConsumer({ ...awsNotificationDeps(), logger: awsLogger() });
