import { awsLogger } from '../aws-runtime';
import { awsNotificationDeps } from '../aws-notifications';
import { makeOverdueCheck } from '../notification-consumer/handler';

const check = makeOverdueCheck({ ...awsNotificationDeps(), logger: awsLogger() });

/** Invoked every minute by an EventBridge schedule rule; the event itself says nothing. */
export const handler = async (): Promise<void> => {
  await check();
};
