import { createDynamoCredentialStore, createDynamoTargetStore } from '../adapters/aws/inventory-store';
import { createDynamoJobStore } from '../adapters/aws/job-store';
import { createDynamoRunStore } from '../adapters/aws/run-store';
import { createFileOutputLog } from '../adapters/local/file-output-log';
import { createFileRunSealer } from '../adapters/local/file-run-sealer';
import { createFileVault } from '../adapters/local/file-vault';
import { systemClock } from '../core/clock';
import { localDynamoClients } from './dynamo-client';
import type { BatchRequest } from '../core/runs/tasks';
import { runRunBatch } from '../runner/run-batch';

/**
 * The local runner process (started by local/runner-pool.ts): the same runner code as the Fargate
 * task, with the local stand-ins — dynalite over loopback, the file vault, the data-folder output
 * logs. It receives `{ id, env }` over IPC, env being what a Fargate task would get, and answers
 * `{ id, ok, result | error }`.
 */
const need = (name: string): string => {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`${name} is required`);
  return value;
};

const dataDir = need('OPSC_DATA_DIR');
const table = { ddb: localDynamoClients(need('OPSC_DYNAMO_ENDPOINT')).doc, tableName: need('OPSC_TABLE_NAME') };
const deps = {
  runs: createDynamoRunStore(table),
  jobs: createDynamoJobStore(table),
  targets: createDynamoTargetStore(table),
  credentials: createDynamoCredentialStore(table),
  vault: await createFileVault(dataDir),
  sealer: await createFileRunSealer(dataDir),
  outputLog: createFileOutputLog(dataDir),
  clock: systemClock,
};

const send = (message: unknown) => {
  process.send?.(message);
};

process.on('message', (message: { id: number; env: Record<string, string> }) => {
  void (async () => {
    try {
      const request = JSON.parse(message.env.OPSC_BATCH ?? '') as BatchRequest;
      send({ id: message.id, ok: true, result: await runRunBatch(deps, request) });
    } catch (e) {
      const error = e instanceof Error ? e : new Error(String(e));
      process.stderr.write(`runner: batch failed: ${error.name}: ${error.message}\n`);
      send({ id: message.id, ok: false, error: { name: error.name, message: error.message } });
    }
  })();
});
// The parent's IPC channel is the runner's lifeline: when the stack goes, so does the runner.
process.on('disconnect', () => process.exit(0));
send({ ready: true });
// Profiling (docs/performance.md): --cpu-prof writes its file on a normal exit only, and the pool ends the runner with SIGTERM.
if (process.env.OPSC_RUNNER_PROF) process.on('SIGTERM', () => process.exit(0));
