import { createDynamoAuditStore } from '../../../adapters/aws/audit-store';
import { awsApiRuntime, awsTable } from '../../aws-runtime';
import { makeAuditHandler } from './handler';

export const handler = makeAuditHandler({ ...awsApiRuntime(), audit: createDynamoAuditStore(awsTable()) });
