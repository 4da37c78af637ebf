import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createDynamoCredentialStore, createDynamoTargetStore } from '../../adapters/aws/inventory-store';
import { createDynamoJobStore } from '../../adapters/aws/job-store';
import { createDynamoRunStore } from '../../adapters/aws/run-store';
import { createFileOutputLog } from '../../adapters/local/file-output-log';
import { createFileRunSealer } from '../../adapters/local/file-run-sealer';
import { createFileVault } from '../../adapters/local/file-vault';
import { randomBytes } from 'node:crypto';
import { systemClock } from '../../core/clock';
import { createIdGenerator } from '../../core/ids';
import { emptyCounts } from '../../core/runs/schema';
import type { LocalDynamo } from '../../local/dynamo';
import { runRunBatch, type RunBatchDeps } from '../../runner/run-batch';
import { startTestDynamo } from '../support/dynalite';
import { startTestSshd, type TestSshd } from '../support/sshd';

/**
 * RunBatch on its own, as the Fargate task runs it, against dynalite and a real sshd: when the
 * state machine refuses its heartbeat (it gave up on the batch), the runner stops the steps on the
 * hosts instead of leaving them running unobserved.
 */
const exec = promisify(execFile);
let dynamo: LocalDynamo;
let sshd: TestSshd;
let dataDir: string;
let deps: RunBatchDeps;
const ids = createIdGenerator(systemClock, randomBytes);
const now = () => new Date().toISOString();

beforeAll(async () => {
  dynamo = await startTestDynamo();
  sshd = await startTestSshd();
  dataDir = mkdtempSync(path.join(tmpdir(), 'opsc-run-batch-'));
  const table = { ddb: dynamo.doc, tableName: dynamo.tableName };
  deps = {
    runs: createDynamoRunStore(table),
    jobs: createDynamoJobStore(table),
    targets: createDynamoTargetStore(table),
    credentials: createDynamoCredentialStore(table),
    vault: await createFileVault(dataDir),
    sealer: await createFileRunSealer(dataDir),
    outputLog: createFileOutputLog(dataDir),
    clock: systemClock,
  };
}, 60_000);

afterAll(async () => {
  await sshd.stop();
  await dynamo.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A project with one target on the test sshd, a job running `content`, and a planned run. */
const plannedRun = async (content: string) => {
  const projectId = ids.next('prj');
  const credentialId = ids.next('crd');
  const targetId = ids.next('tgt');
  const secretVersion = await (deps.vault as Awaited<ReturnType<typeof createFileVault>>).put({ projectId, credentialId }, { kind: 'ssh-key', privateKey: sshd.clientKey.privateKey });
  await deps.credentials.put({ id: credentialId, projectId, name: 'key', kind: 'ssh-key', username: sshd.username, description: '', secretVersion, createdAt: now(), createdBy: 'test', updatedAt: now(), version: 1 }, 0);
  await deps.targets.create({
    id: targetId,
    projectId,
    name: 'host',
    address: '127.0.0.1',
    port: sshd.port,
    protocol: 'ssh',
    credentialId,
    tags: {},
    enabled: true,
    description: '',
    hostKeyFingerprint: sshd.hostKeyFingerprint,
    createdAt: now(),
    createdBy: 'test',
    updatedAt: now(),
    updatedBy: 'test',
    version: 1,
  });
  const jobId = ids.next('job');
  await deps.jobs.put(
    {
      id: jobId,
      projectId,
      name: 'sleeps',
      description: '',
      steps: [{ id: 'step-1', kind: 'command', content, timeoutSeconds: 600, retries: { count: 0, backoffSeconds: 5 }, continueOnError: false }],
      parameters: [],
      concurrency: 1,
      maxErrors: 0,
      runTimeoutSeconds: 3600,
      warnings: [],
      createdAt: now(),
      createdBy: 'test',
      updatedAt: now(),
      updatedBy: 'test',
      version: 1,
    },
    0,
  );
  const runId = ids.next('run');
  await deps.runs.create({
    id: runId,
    projectId,
    jobId,
    jobName: 'sleeps',
    jobVersion: 1,
    status: 'running',
    parameters: {},
    targets: { targetIds: [targetId] },
    concurrency: 1,
    maxErrors: 0,
    runTimeoutSeconds: 3600,
    counts: { ...emptyCounts(), total: 1, pending: 1 },
    createdAt: now(),
    createdBy: 'test',
    startedAt: now(),
    updatedAt: now(),
    version: 1,
  });
  await deps.runs.putHosts([{ runId, targetId, targetName: 'host', address: '127.0.0.1', batch: 0, status: 'pending', steps: [], lastSeq: 0, outputBytes: 0 }]);
  return { runId, targetId };
};

const sleeping = async (marker: string) => {
  try {
    return (await exec('pgrep', ['-f', marker])).stdout.trim().split('\n').filter(Boolean);
  } catch {
    return [];
  }
};

it('stops the steps on the hosts once the state machine refuses its heartbeat', async () => {
  const marker = `sleep 44.${String(Date.now() % 1_000_000)}`;
  const { runId, targetId } = await plannedRun(marker);
  let beats = 0;

  const summary = await runRunBatch(
    {
      ...deps,
      heartbeat: () => {
        beats += 1;
        return beats === 1 ? Promise.resolve() : Promise.reject(new Error('Task Timed Out'));
      },
      options: { heartbeatIntervalMs: 1000, killGraceSeconds: 1 },
    },
    { runId, batch: 0, concurrency: 1, deadline: new Date(Date.now() + 600_000).toISOString() },
  );

  expect(await deps.runs.getHost(runId, targetId)).toMatchObject({ status: 'cancelled' });
  expect(beats).toBeGreaterThanOrEqual(2);
  expect(summary.counts).toEqual({ cancelled: 1 });
  expect(await deps.runs.getHost(runId, targetId)).toMatchObject({ status: 'cancelled', steps: [{ status: 'cancelled', termination: expect.stringMatching(/graceful|killed/) as unknown }] });
  expect(await sleeping(marker)).toEqual([]);
}, 60_000);
