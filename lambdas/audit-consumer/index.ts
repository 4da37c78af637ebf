import { createDynamoAuditStore } from '../../adapters/aws/audit-store';
import { awsLogger, awsTable } from '../aws-runtime';
import { makeAuditConsumer } from './handler';

const retention = process.env.AUDIT_RETENTION_DAYS;

/** Invoked by the EventBridge rule on the bus with one event envelope. */
export const handler = makeAuditConsumer({
  audit: createDynamoAuditStore(awsTable()),
  logger: awsLogger(),
  retentionDays: retention === undefined || retention === '' ? undefined : Number(retention),
});
