import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { InvalidToken, SendTaskFailureCommand, SendTaskHeartbeatCommand, SendTaskSuccessCommand, SFNClient, TaskDoesNotExist, TaskTimedOut } from '@aws-sdk/client-sfn';
import { createDynamoCredentialStore, createDynamoTargetStore } from '../adapters/aws/inventory-store';
import { createDynamoJobStore } from '../adapters/aws/job-store';
import { createKmsRunSealer } from '../adapters/aws/kms-run-sealer';
import { createDynamoRunStore } from '../adapters/aws/run-store';
import { createS3OutputLog } from '../adapters/aws/s3-output-log';
import { createSecretsManagerVault } from '../adapters/aws/secrets-manager-vault';
import { systemClock } from '../core/clock';
import type { BatchRequest } from '../core/runs/tasks';
import { awsLogger, awsTable, requireEnv } from '../lambdas/aws-runtime';
import { runRunBatch } from './run-batch';

/**
 * The Fargate runner: one task per batch, started by the state machine's RunBatch state
 * (`ecs:runTask.waitForTaskToken`) with the batch in OPSC_BATCH and the task token in
 * OPSC_TASK_TOKEN. It beats every 20 s while it works and answers the token when done; a task
 * that dies stops beating, and the state machine marks its batch's hosts lost.
 */
const logger = awsLogger();
const sfn = new SFNClient({});
const token = requireEnv('OPSC_TASK_TOKEN');
const request = JSON.parse(requireEnv('OPSC_BATCH')) as BatchRequest;
const table = awsTable();

const main = async () => {
  const summary = await runRunBatch(
    {
      runs: createDynamoRunStore(table),
      jobs: createDynamoJobStore(table),
      targets: createDynamoTargetStore(table),
      credentials: createDynamoCredentialStore(table),
      vault: createSecretsManagerVault({ client: new SecretsManagerClient({}), kmsKeyId: requireEnv('CREDENTIALS_KMS_KEY_ID'), readerRoleArns: [] }),
      sealer: createKmsRunSealer({ kms: new KMSClient({}), keyId: requireEnv('RUNS_KMS_KEY_ID') }),
      outputLog: createS3OutputLog({ s3: new S3Client({}), bucket: requireEnv('OUTPUT_BUCKET') }),
      clock: systemClock,
      // Only an answer that the task is over stops the batch; a throttled or lost heartbeat does not.
      heartbeat: async () => {
        try {
          await sfn.send(new SendTaskHeartbeatCommand({ taskToken: token }));
        } catch (e) {
          if (e instanceof TaskTimedOut || e instanceof TaskDoesNotExist || e instanceof InvalidToken) throw e;
          logger.warn('heartbeat not sent', { error: e as Error });
        }
      },
    },
    request,
  );
  await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify(summary) }));
  logger.info('batch done', { ...summary });
};

main().catch(async (e: unknown) => {
  logger.error('batch failed', { runId: request.runId, batch: request.batch, error: e as Error });
  // The cause names the failure without its details: they could quote a host's answer.
  await sfn.send(new SendTaskFailureCommand({ taskToken: token, error: 'Runner.Failed', cause: e instanceof Error ? e.name : 'unknown' })).catch(() => undefined);
  process.exitCode = 1;
});
