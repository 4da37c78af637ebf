import { KMSClient } from '@aws-sdk/client-kms';
import { createDynamoChannelStore, createDynamoDeliveryStore, createDynamoRuleStore } from '../adapters/aws/notification-store';
import { createDynamoProjectStore } from '../adapters/aws/project-store';
import { createDynamoRunStore } from '../adapters/aws/run-store';
import { createKmsRunSealer } from '../adapters/aws/kms-run-sealer';
import { createSesMailTransport } from '../adapters/aws/ses-mail';
import { fetchHttpPoster } from '../adapters/http/fetch-poster';
import { systemClock } from '../core/clock';
import { awsTable, requireEnv } from './aws-runtime';

/**
 * What every notifications function on AWS shares: the stores, channel secrets sealed with the
 * runs key (RUNS_KMS_KEY_ID, context = the channel id), SES from MAIL_FROM, links to CONSOLE_URL.
 */
export const awsNotificationDeps = () => {
  const table = awsTable();
  return {
    channels: createDynamoChannelStore(table),
    rules: createDynamoRuleStore(table),
    deliveries: createDynamoDeliveryStore(table),
    projects: createDynamoProjectStore(table),
    runs: createDynamoRunStore(table),
    sealer: createKmsRunSealer({ kms: new KMSClient({}), keyId: requireEnv('RUNS_KMS_KEY_ID') }),
    mail: createSesMailTransport({ from: requireEnv('MAIL_FROM') }),
    http: fetchHttpPoster,
    clock: systemClock,
    consoleUrl: requireEnv('CONSOLE_URL'),
  };
};
