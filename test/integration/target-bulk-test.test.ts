import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ssh2 from 'ssh2';
import { createDynamoCredentialStore, createDynamoTargetStore } from '../../adapters/aws/inventory-store';
import { createFileVault } from '../../adapters/local/file-vault';
import { systemClock } from '../../core/clock';
import { createIdGenerator } from '../../core/ids';
import { testTargets, type TargetDeps } from '../../core/inventory/targets-service';
import type { LocalDynamo } from '../../local/dynamo';
import { runnerConnectionTester } from '../../runner/connection-tester';
import { startTestDynamo } from '../support/dynalite';
import { admin, recordingBus } from '../support/fakes';
import { startTestSshd, type KeyPair, type TestSshd } from '../support/sshd';

/**
 * Testing many targets at once (`POST …/targets/test`) against dynalite and a real sshd: targets
 * that share a credential share one read of it, one fetch of its secret and one parse of its key.
 * A passphrase-protected key's parse runs its key derivation (0.1–0.3 s of CPU), so doing it per
 * target would make a bulk test of a few hundred targets outlast the API's time limit.
 */
const PASSPHRASE = 'bulk-Passphrase-canary';
let dynamo: LocalDynamo;
let sshd: TestSshd;
let key: KeyPair;
let dataDir: string;
let deps: TargetDeps;
const ids = createIdGenerator(systemClock, randomBytes);
const now = () => new Date().toISOString();

beforeAll(async () => {
  dynamo = await startTestDynamo();
  sshd = await startTestSshd({ quiet: true });
  key = await sshd.keygen('client_bulk', { passphrase: PASSPHRASE });
  sshd.authorize(key.publicKey);
  dataDir = mkdtempSync(path.join(tmpdir(), 'opsc-bulk-test-'));
  const table = { ddb: dynamo.doc, tableName: dynamo.tableName };
  deps = {
    targets: createDynamoTargetStore(table),
    credentials: createDynamoCredentialStore(table),
    vault: await createFileVault(dataDir),
    tester: runnerConnectionTester,
    bus: recordingBus(),
    clock: systemClock,
    ids,
  };
}, 60_000);

afterAll(async () => {
  await sshd.stop();
  await dynamo.close();
  rmSync(dataDir, { recursive: true, force: true });
});

it('reads a shared credential, fetches its secret and parses its key once for all the targets it tests', async () => {
  // prepare: a project of five targets on the test sshd with one passphrase-protected key
  const projectId = ids.next('prj');
  const credentialId = ids.next('crd');
  const secretVersion = await deps.vault.put({ projectId, credentialId }, { kind: 'ssh-key', privateKey: key.privateKey, passphrase: PASSPHRASE });
  await deps.credentials.put({ id: credentialId, projectId, name: 'key', kind: 'ssh-key', username: sshd.username, description: '', secretVersion, createdAt: now(), createdBy: 'test', updatedAt: now(), version: 1 }, 0);
  for (let i = 0; i < 5; i += 1) {
    await deps.targets.create({
      id: ids.next('tgt'),
      projectId,
      name: `web-${String(i)}`,
      address: '127.0.0.1',
      port: sshd.port,
      protocol: 'ssh',
      credentialId,
      tags: { role: 'web' },
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
  const reads = { credentials: 0, secrets: 0 };
  const counted: TargetDeps = {
    ...deps,
    credentials: { ...deps.credentials, get: (...args) => ((reads.credentials += 1), deps.credentials.get(...args)) },
    vault: { ...deps.vault, get: (...args) => ((reads.secrets += 1), deps.vault.get(...args)) },
  };
  const parses = jest.spyOn(ssh2.utils, 'parseKey');

  // act
  let outcome: Awaited<ReturnType<typeof testTargets>>;
  let keyParses: number;
  try {
    outcome = await testTargets(counted, admin, projectId, {});
    keyParses = parses.mock.calls.filter(([k]) => k === key.privateKey).length;
  } finally {
    parses.mockRestore();
  }

  // assess
  expect(outcome.results).toHaveLength(5);
  for (const r of outcome.results) expect(r).toMatchObject({ ok: true });
  expect(reads).toEqual({ credentials: 1, secrets: 1 });
  expect(keyParses).toBe(1);
}, 60_000);
