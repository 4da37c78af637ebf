import { createDynamoAuditStore } from '../../adapters/aws/audit-store';
import { createDynamoProjectStore } from '../../adapters/aws/project-store';
import { systemClock } from '../../core/clock';
import { projectRetentionLookup } from '../../core/audit/service';
import { awsLogger, awsTable } from '../aws-runtime';
import { makeAuditConsumer } from './handler';

const retention = process.env.AUDIT_RETENTION_DAYS;

/** Invoked by the EventBridge rule on the bus with one event envelope. */
export const handler = makeAuditConsumer({
  audit: createDynamoAuditStore(awsTable()),
  // Read per project, cached in the container for a few minutes (core/audit/service.ts).
  projectRetention: projectRetentionLookup(createDynamoProjectStore(awsTable()), systemClock),
  logger: awsLogger(),
  retentionDays: retention === undefined || retention === '' ? undefined : Number(retention),
});
