import { createDynamoCredentialStore, createDynamoTargetStore } from '../adapters/aws/inventory-store';
import { createDynamoJobStore } from '../adapters/aws/job-store';
import { createDynamoRunStore } from '../adapters/aws/run-store';
import { systemClock } from '../core/clock';
import type { RunTaskDeps } from '../core/runs/tasks';
import { awsApiRuntime, awsTable } from './aws-runtime';

/** What the job-run state machine's own tasks (Plan, Finalize, MarkBatchLost, MarkFailed) work with. */
export const awsRunTasks = (): RunTaskDeps => {
  const table = awsTable();
  const { bus, logger } = awsApiRuntime();
  return {
    runs: createDynamoRunStore(table),
    jobs: createDynamoJobStore(table),
    targets: createDynamoTargetStore(table),
    credentials: createDynamoCredentialStore(table),
    bus,
    clock: systemClock,
    logger,
  };
};
