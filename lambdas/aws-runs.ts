import { KMSClient } from '@aws-sdk/client-kms';
import { SFNClient } from '@aws-sdk/client-sfn';
import { createDynamoJobStore } from '../adapters/aws/job-store';
import { createKmsRunSealer } from '../adapters/aws/kms-run-sealer';
import { createDynamoRunStore } from '../adapters/aws/run-store';
import { createStepFunctionsRunLauncher } from '../adapters/aws/sfn-run-launcher';
import { awsTable, requireEnv } from './aws-runtime';

/**
 * Runs: the store, the job-run state machine (STATE_MACHINE_ARN) and the runs key
 * (RUNS_KMS_KEY_ID) that seals secure parameter values for the runner.
 */
export const awsRuns = () => {
  const table = awsTable();
  return {
    runs: createDynamoRunStore(table),
    jobs: createDynamoJobStore(table),
    sealer: createKmsRunSealer({ kms: new KMSClient({}), keyId: requireEnv('RUNS_KMS_KEY_ID') }),
    launcher: createStepFunctionsRunLauncher({ sfn: new SFNClient({}), stateMachineArn: requireEnv('STATE_MACHINE_ARN') }),
  };
};
