import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import ssh2 from 'ssh2';
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
import { finalizeRun, markBatchLost, markRunFailed } from '../../core/runs/tasks';
import type { RunStore } from '../../core/ports/run-store';
import type { LocalDynamo } from '../../local/dynamo';
import { runRunBatch, type RunBatchDeps } from '../../runner/run-batch';
import { startTestDynamo } from '../support/dynalite';
import { quietLogger, recordingBus } from '../support/fakes';
import { startTestSshd, type TestSshd } from '../support/sshd';

/**
 * RunBatch on its own, as the Fargate task runs it, against dynalite and a real sshd: when the
 * state machine refuses its heartbeat or gives the batch up (it was marked lost), the runner stops
 * the steps on the hosts instead of leaving them running unobserved; a second runner for the same
 * batch runs nothing; a host is shown running once it has run a while.
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

/** A project with `hosts` targets on the test sshd, a job running `content`, and a planned run of them in batch 0. */
const plannedRun = async (content: string, hosts = 1, nameOf = (i: number) => `host-${String(i)}`) => {
  const projectId = ids.next('prj');
  const credentialId = ids.next('crd');
  const targetIds = Array.from({ length: hosts }, () => ids.next('tgt'));
  const targetId = targetIds[0] ?? '';
  const secretVersion = await (deps.vault as Awaited<ReturnType<typeof createFileVault>>).put({ projectId, credentialId }, { kind: 'ssh-key', privateKey: sshd.clientKey.privateKey });
  await deps.credentials.put({ id: credentialId, projectId, name: 'key', kind: 'ssh-key', username: sshd.username, description: '', secretVersion, createdAt: now(), createdBy: 'test', updatedAt: now(), version: 1 }, 0);
  for (const [i, id] of targetIds.entries()) {
    await deps.targets.create({
      id,
      projectId,
      name: nameOf(i),
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
  }
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
    targets: { targetIds },
    concurrency: 1,
    maxErrors: 0,
    runTimeoutSeconds: 3600,
    counts: { ...emptyCounts(), total: hosts, pending: hosts },
    createdAt: now(),
    createdBy: 'test',
    startedAt: now(),
    updatedAt: now(),
    version: 1,
  });
  await deps.runs.putHosts(targetIds.map((id, i) => ({ runId, targetId: id, targetName: nameOf(i), address: '127.0.0.1', batch: 0, status: 'pending', steps: [], lastSeq: 0, outputBytes: 0 })));
  return { runId, targetId, targetIds };
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

const farDeadline = () => ({ deadline: new Date(Date.now() + 600_000).toISOString() });
/** A file on the host that the step appends a line to each time it runs. */
const runsFile = () => path.join(tmpdir(), `opsc-runs-${String(process.pid)}-${String(Date.now())}`);
const linesOf = async (file: string) => {
  try {
    return (await exec('cat', [file])).stdout.split('\n').filter(Boolean);
  } catch {
    return [];
  }
};

it('runs a host once when two runners are started for the same batch: the second starts nothing', async () => {
  const file = runsFile();
  const { runId, targetId } = await plannedRun(`echo ran >> ${file}; sleep 1`);
  const request = { runId, batch: 0, concurrency: 1, ...farDeadline() };

  const [first, second] = await Promise.allSettled([runRunBatch(deps, request), runRunBatch(deps, request)]);

  const outcomes = [first, second];
  expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
  expect(outcomes.find((o) => o.status === 'rejected')).toMatchObject({ reason: { name: 'Runner.BatchTaken' } });
  expect(await linesOf(file)).toEqual(['ran']);
  expect(await deps.runs.getHost(runId, targetId)).toMatchObject({ status: 'succeeded', exitCode: 0 });
  expect((await deps.runs.get(runId))?.counts).toMatchObject({ total: 1, pending: 0, running: 0, succeeded: 1 });
  await exec('rm', ['-f', file]);
}, 60_000);

it('starts nothing for a run that has ended before its batch began', async () => {
  const file = runsFile();
  const { runId, targetId } = await plannedRun(`echo ran >> ${file}`);
  expect(await deps.runs.transition(runId, ['running'], { status: 'cancelled', finishedAt: now() })).toBeTruthy();

  const summary = await runRunBatch(deps, { runId, batch: 0, concurrency: 1, ...farDeadline() });

  expect(summary.hosts).toBe(0);
  expect(await linesOf(file)).toEqual([]);
  expect(await deps.runs.getHost(runId, targetId)).toMatchObject({ status: 'pending' });
});

it('writes a host running once it has run a while, and moves the counts with it', async () => {
  const { runId, targetId } = await plannedRun('sleep 2');
  const seen = new Set<string>();
  const watch = setInterval(() => {
    void deps.runs.getHost(runId, targetId).then((h) => h && seen.add(h.status));
  }, 50);

  await runRunBatch({ ...deps, options: { runningMarkMs: 200 } }, { runId, batch: 0, concurrency: 1, ...farDeadline() });
  clearInterval(watch);

  expect([...seen]).toEqual(expect.arrayContaining(['pending', 'running']));
  expect(await deps.runs.getHost(runId, targetId)).toMatchObject({ status: 'succeeded', startedAt: expect.any(String) as unknown });
  expect((await deps.runs.get(runId))?.counts).toMatchObject({ total: 1, pending: 0, running: 0, succeeded: 1 });
}, 60_000);

it('stops the steps once the batch is marked lost under it, and starts nothing after', async () => {
  const marker = `sleep 45.${String(Date.now() % 1_000_000)}`;
  const { runId, targetId } = await plannedRun(marker);
  const tasks = { ...deps, bus: recordingBus(), logger: quietLogger() };

  const started = Date.now();
  const working = runRunBatch({ ...deps, options: { runningMarkMs: 100, killGraceSeconds: 1 } }, { runId, batch: 0, concurrency: 1, ...farDeadline() });
  await new Promise((r) => setTimeout(r, 1500));
  await markBatchLost(tasks, { runId, batch: 0, error: { Error: 'States.HeartbeatTimeout' } });
  const summary = await working;

  expect(Date.now() - started).toBeLessThan(10_000);
  expect(summary.hosts).toBe(0);
  expect(await deps.runs.getHost(runId, targetId)).toMatchObject({ status: 'lost', errorCategory: 'RUNNER_LOST' });
  expect(await sleeping(marker)).toEqual([]);
  await expect(runRunBatch(deps, { runId, batch: 0, concurrency: 1, ...farDeadline() })).resolves.toMatchObject({ hosts: 0 });
}, 60_000);

it('fails a run with the unwritten hosts of a claimed batch lost (they may have started) and of an unclaimed one skipped', async () => {
  const tasks = { ...deps, bus: recordingBus(), logger: quietLogger() };
  const claimed = await plannedRun('true');
  const unclaimed = await plannedRun('true');
  await deps.runs.claimBatch(claimed.runId, 0, 'a runner that died');

  for (const { runId } of [claimed, unclaimed]) await markRunFailed(tasks, { runId, error: { Error: 'LocalStackStopped' } });

  expect(await deps.runs.getHost(claimed.runId, claimed.targetId)).toMatchObject({ status: 'lost' });
  expect(await deps.runs.getHost(unclaimed.runId, unclaimed.targetId)).toMatchObject({ status: 'skipped' });
  expect((await deps.runs.get(claimed.runId))?.counts).toMatchObject({ pending: 0, lost: 1 });
  // Nobody may start them now.
  expect(await deps.runs.claimBatch(unclaimed.runId, 0, 'a late runner')).toBe('closed');
});

it("writes hosts' results a few at a time, with one conditional write on the batch for each group of up to 25", async () => {
  const { runId, targetIds } = await plannedRun('echo done', 27);
  const calls = { writeResults: [] as number[], updateHost: 0 };
  const runs: RunStore = {
    ...deps.runs,
    writeResults: (...args) => {
      calls.writeResults.push(args[3].length);
      return deps.runs.writeResults(...args);
    },
    updateHost: (...args) => {
      calls.updateHost += 1;
      return deps.runs.updateHost(...args);
    },
  };

  // Longer than the whole batch however loaded the machine is: a write at 25, the rest at the end.
  const summary = await runRunBatch({ ...deps, runs, options: { resultGatherMs: 30_000 } }, { runId, batch: 0, concurrency: 10, ...farDeadline() });

  expect(summary).toMatchObject({ hosts: 27, counts: { succeeded: 27 } });
  // Quick hosts: no write of their own.
  expect(calls.updateHost).toBe(0);
  expect(calls.writeResults).toEqual([25, 2]);
  const hosts = (await deps.runs.listHosts(runId, { limit: 100 })).items;
  expect(hosts.map((h) => h.targetId).sort()).toEqual([...targetIds].sort());
  for (const h of hosts) expect(h).toMatchObject({ status: 'succeeded', exitCode: 0, lastSeq: 1, outputBytes: 5, startedAt: expect.any(String) as unknown });
  expect((await deps.runs.get(runId))?.counts).toMatchObject({ total: 27, pending: 0, succeeded: 27 });
}, 60_000);

it("opens a credential and parses its key once for all the batch's hosts", async () => {
  // prepare: a passphrase-protected key's parse runs its KDF, about 0.1-0.3 s of CPU each time
  const { runId } = await plannedRun('true', 6);
  const vaultReads = { count: 0 };
  const vault: RunBatchDeps['vault'] = {
    get: (...args) => {
      vaultReads.count += 1;
      return deps.vault.get(...args);
    },
  };
  const parses = jest.spyOn(ssh2.utils, 'parseKey');

  // act
  let summary: Awaited<ReturnType<typeof runRunBatch>>;
  let parsedKeys: number;
  try {
    summary = await runRunBatch({ ...deps, vault }, { runId, batch: 0, concurrency: 3, ...farDeadline() });
    parsedKeys = parses.mock.calls.filter(([key]) => key === sshd.clientKey.privateKey).length;
  } finally {
    parses.mockRestore();
  }

  // assess
  expect(summary).toMatchObject({ hosts: 6, counts: { succeeded: 6 } });
  expect(vaultReads.count).toBe(1);
  expect(parsedKeys).toBe(1);
}, 60_000);

it("starts a batch's hosts in the run's planned order, by name, not in the store's order of target ids", async () => {
  // prepare: names the other way round from the order the target ids were made in
  const { runId } = await plannedRun('true', 6, (i) => `web-${String(6 - i)}`);

  // act: one host at a time
  await runRunBatch(deps, { runId, batch: 0, concurrency: 1, ...farDeadline() });

  // assess
  const hosts = (await deps.runs.listHosts(runId, { limit: 10 })).items;
  const started = [...hosts].sort((a, b) => (a.startedAt ?? '').localeCompare(b.startedAt ?? '')).map((h) => h.targetName);
  expect(started).toEqual(['web-1', 'web-2', 'web-3', 'web-4', 'web-5', 'web-6']);
}, 60_000);

it('counts a finished run from its hosts, whatever counts a runner did or did not send', async () => {
  const tasks = { ...deps, bus: recordingBus(), logger: quietLogger() };
  const { runId } = await plannedRun('true', 2);
  const [first, second] = (await deps.runs.listHosts(runId, { limit: 10 })).items;
  if (!first || !second) throw new Error('two hosts were planned');
  const owner = 'a runner killed before it sent its counts';
  await deps.runs.claimBatch(runId, 0, owner);
  // A result written whose count was never sent, and a count of a host that ended otherwise (a
  // result that landed after MarkBatchLost had counted the host lost).
  await deps.runs.writeResults(runId, 0, owner, [{ ...first, status: 'succeeded', exitCode: 0, finishedAt: now() }]);
  await deps.runs.updateHost(runId, second.targetId, ['pending'], { status: 'failed', exitCode: 1, finishedAt: now() });
  await deps.runs.addCounts(runId, { lost: 1 });

  await expect(finalizeRun(tasks, { runId })).resolves.toEqual({ status: 'failed' });

  expect((await deps.runs.get(runId))?.counts).toEqual({ ...emptyCounts(), total: 2, succeeded: 1, failed: 1 });
});

it('stops the steps on the hosts and fails the batch when the store cannot take results', async () => {
  const marker = `sleep 46.${String(Date.now() % 1_000_000)}`;
  const file = runsFile();
  // The first host is quick; the second finds the file and sleeps until stopped.
  const { runId } = await plannedRun(`if [ -f ${file} ]; then ${marker}; fi; touch ${file}`, 2);
  let sawSleep = false;
  const runs: RunStore = {
    ...deps.runs,
    // Fails once the second host sleeps, so that there is a step to stop.
    writeResults: async () => {
      for (let i = 0; i < 200 && !sawSleep; i += 1) {
        sawSleep = (await sleeping(marker)).length > 0;
        if (!sawSleep) await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('the store is down');
    },
  };

  const started = Date.now();
  await expect(runRunBatch({ ...deps, runs, options: { killGraceSeconds: 1 } }, { runId, batch: 0, concurrency: 1, ...farDeadline() })).rejects.toThrow('the store is down');

  expect(sawSleep).toBe(true);
  expect(Date.now() - started).toBeLessThan(15_000);
  expect(await sleeping(marker)).toEqual([]);
  await exec('rm', ['-f', file]);
}, 60_000);
