import { randomBytes } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { createDynamoRunStore } from '../../adapters/aws/run-store';
import type { RunStore } from '../../core/ports/run-store';
import { emptyCounts, type Run, type RunHost, type StoredChunk } from '../../core/runs/schema';
import type { LocalDynamo } from '../../local/dynamo';
import { startTestDynamo } from '../support/dynalite';
import { testIds } from '../support/fakes';

let dynamo: LocalDynamo;
let store: RunStore;
const ids = testIds();

beforeAll(async () => {
  dynamo = await startTestDynamo();
  store = createDynamoRunStore({ ddb: dynamo.doc, tableName: dynamo.tableName });
});
afterAll(() => dynamo.close());

/** 2026-11-25T10:0<minute>:00.000Z */
const at = (minute: number) => new Date(Date.UTC(2026, 10, 25, 10, minute)).toISOString();

const run = (over: Partial<Run> = {}): Run => ({
  id: ids.next('run'),
  projectId: ids.next('prj'),
  jobId: ids.next('job'),
  jobName: 'patch web servers',
  jobVersion: 3,
  status: 'queued',
  parameters: { env: 'prod', password: '******' },
  sealedSecureParameters: 'sealed:abc',
  targets: { selector: 'role=web' },
  runTimeoutSeconds: 3600,
  dangerousConfirmed: { by: 'usr_admin', at: at(0), ruleIds: ['rm-rf'] },
  counts: { ...emptyCounts(), total: 3, pending: 3 },
  createdAt: at(0),
  createdBy: 'usr_operator',
  updatedAt: at(0),
  version: 1,
  ...over,
});

const host = (runId: string, over: Partial<RunHost> = {}): RunHost => ({
  runId,
  targetId: ids.next('tgt'),
  targetName: 'web',
  address: '10.0.0.1',
  batch: 0,
  status: 'pending',
  steps: [],
  lastSeq: 0,
  outputBytes: 0,
  ...over,
});

const chunk = (seq: number, data: Buffer, over: Partial<StoredChunk> = {}): StoredChunk => ({
  seq,
  stream: 'stdout',
  stepId: 'step-1',
  attempt: 1,
  at: at(1),
  data,
  ...over,
});

/** Every page of a listing, following nextCursor. */
const allPages = async <T>(read: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor?: string }>) => {
  const pages: T[][] = [];
  let cursor: string | undefined;
  do {
    const page = await read(cursor);
    pages.push(page.items);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return pages;
};

/** A host put as planned, for the output tests. */
const plannedHost = async () => {
  const r = run();
  await store.create(r);
  const h = host(r.id);
  await store.putHosts([h]);
  return h;
};

describe('DynamoDB run store on dynalite: runs', () => {
  it('creates a run, reads it back whole, and answers a replay with the first run unchanged', async () => {
    const first = run();

    const created = await store.create(first);
    const replay = await store.create({ ...first, parameters: { env: 'staging' }, status: 'running', createdAt: at(5) });

    expect(created).toEqual({ created: true, run: first });
    expect(replay).toEqual({ created: false, run: first });
    expect(await store.get(first.id)).toEqual(first);
    expect(await store.get(ids.next('run'))).toBeUndefined();
  });

  it("lists a project's runs newest first, page by page", async () => {
    const projectId = ids.next('prj');
    const runs = [3, 0, 4, 1, 2].map((m) => run({ projectId, createdAt: at(m) }));
    await Promise.all(runs.map((r) => store.create(r)));
    await store.create(run({ createdAt: at(9) })); // another project

    const pages = await allPages((cursor) => store.list(projectId, { limit: 2, cursor }));

    expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
    expect(pages.flat().map((r) => r.createdAt)).toEqual([4, 3, 2, 1, 0].map(at));
  });

  it("lists one job's runs, only within the project asked about", async () => {
    const projectId = ids.next('prj');
    const jobId = ids.next('job');
    const mine = [run({ projectId, jobId, createdAt: at(1) }), run({ projectId, jobId, createdAt: at(2) })];
    await Promise.all([...mine, run({ projectId, createdAt: at(3) }), run({ jobId, createdAt: at(4) })].map((r) => store.create(r)));

    const page = await store.list(projectId, { limit: 50, jobId });

    expect(page.items.map((r) => r.id)).toEqual([mine[1]?.id, mine[0]?.id]);
    expect(page.nextCursor).toBeUndefined();
  });

  it('filters by status; a filtered page may be short yet have a next cursor', async () => {
    const projectId = ids.next('prj');
    const statuses = ['failed', 'succeeded', 'succeeded', 'failed', 'succeeded', 'failed'] as const;
    const runs = statuses.map((status, m) => run({ projectId, status, createdAt: at(m) }));
    await Promise.all(runs.map((r) => store.create(r)));

    const pages = await allPages((cursor) => store.list(projectId, { limit: 2, cursor, status: 'failed' }));

    expect(pages.flat().map((r) => r.createdAt)).toEqual([5, 3, 0].map(at));
    expect(pages.flat().every((r) => r.status === 'failed')).toBe(true);
    expect(pages.slice(0, -1).some((p) => p.length < 2)).toBe(true);
  });

  it('bounds the listing by from and to, both inclusive, whatever offset they are written in', async () => {
    const projectId = ids.next('prj');
    const jobId = ids.next('job');
    await Promise.all([0, 1, 2, 3, 4].map((m) => store.create(run({ projectId, jobId, createdAt: at(m) }))));
    const minutes = async (q: { from?: string; to?: string; jobId?: string }) =>
      (await store.list(projectId, { limit: 50, ...q })).items.map((r) => new Date(r.createdAt).getUTCMinutes());

    const between = await minutes({ from: at(1), to: at(3) });
    const fromOnly = await minutes({ from: at(3) });
    const toOnly = await minutes({ to: at(1) });
    const withOffset = await minutes({ from: '2026-11-25T12:01:00+02:00', to: '2026-11-25T12:02:00+02:00' });
    const ofJob = await minutes({ jobId, from: at(2), to: at(2) });
    const reversed = await minutes({ from: at(3), to: at(1) });

    expect(between).toEqual([3, 2, 1]);
    expect(fromOnly).toEqual([4, 3]);
    expect(toOnly).toEqual([1, 0]);
    expect(withOffset).toEqual([2, 1]);
    expect(ofJob).toEqual([2]);
    expect(reversed).toEqual([]);
  });

  it('transitions from an expected status, bumping version, and refuses from any other', async () => {
    const r = run();
    await store.create(r);

    const started = await store.transition(r.id, ['queued'], { status: 'running', startedAt: at(2), concurrency: 5, maxErrors: 1 });
    const stale = await store.transition(r.id, ['queued'], { status: 'cancelled', finishedAt: at(3) });
    const missing = await store.transition(ids.next('run'), ['queued'], { status: 'running' });
    const nowhere = await store.transition(r.id, [], { status: 'failed' });

    const expected: Run = { ...r, status: 'running', startedAt: at(2), concurrency: 5, maxErrors: 1, updatedAt: at(2), version: 2 };
    expect(started).toEqual(expected);
    expect(stale).toBeUndefined();
    expect(missing).toBeUndefined();
    expect(nowhere).toBeUndefined();
    expect(await store.get(r.id)).toEqual(expected);
    expect(await store.get(ids.next('run'))).toBeUndefined();
  });

  it("replaces a run's counts whole when a transition gives them", async () => {
    const r = run({ status: 'running' });
    await store.create(r);
    await store.addCounts(r.id, { pending: -1, succeeded: 2 });

    const done = await store.transition(r.id, ['running'], { status: 'failed', finishedAt: at(5), counts: { ...emptyCounts(), total: 3, succeeded: 1, lost: 2 } });

    expect(done?.counts).toEqual({ ...emptyCounts(), total: 3, succeeded: 1, lost: 2 });
    expect((await store.get(r.id))?.counts).toEqual({ ...emptyCounts(), total: 3, succeeded: 1, lost: 2 });
  });

  it('lets exactly one of two racing transitions win', async () => {
    const r = run({ status: 'running' });
    await store.create(r);

    const [a, b] = await Promise.all([
      store.transition(r.id, ['running'], { status: 'succeeded', finishedAt: at(5) }),
      store.transition(r.id, ['running'], { status: 'failed', finishedAt: at(6), error: { code: 'MAX_ERRORS', message: 'too many failures' } }),
    ]);

    const winners = [a, b].filter((x) => x !== undefined);
    expect(winners).toHaveLength(1);
    expect(await store.get(r.id)).toEqual(winners[0]);
    expect(winners[0]?.version).toBe(2);
  });

  it('lists unfinished runs across projects until they finish, and drops stale markers', async () => {
    const queued = run();
    const running = run({ status: 'running' });
    const done = run({ status: 'succeeded' });
    await Promise.all([queued, running, done].map((r) => store.create(r)));
    const staleId = ids.next('run');
    await dynamo.doc.send(new PutCommand({ TableName: dynamo.tableName, Item: { PK: 'RUNS#ACTIVE', SK: staleId, runId: staleId } }));
    const ours = (runs: Run[]) => runs.filter((x) => [queued.id, running.id, done.id].includes(x.id)).map((x) => x.id);
    const marker = async (runId: string) =>
      (await dynamo.doc.send(new GetCommand({ TableName: dynamo.tableName, Key: { PK: 'RUNS#ACTIVE', SK: runId }, ConsistentRead: true }))).Item;

    const before = await store.listActive();
    await store.transition(queued.id, ['queued'], { status: 'cancelled', finishedAt: at(1) });
    const after = await store.listActive();

    expect(ours(before).sort()).toEqual([queued.id, running.id].sort());
    expect(before.map((x) => x.id)).not.toContain(staleId);
    expect(await marker(staleId)).toBeUndefined();
    expect(ours(after)).toEqual([running.id]);
    expect(await marker(queued.id)).toBeUndefined();
    expect(await marker(done.id)).toBeUndefined();
  });

  it('writes the active marker again on a replay of an unfinished run', async () => {
    const r = run();
    await store.create(r);
    await dynamo.doc.send(new DeleteCommand({ TableName: dynamo.tableName, Key: { PK: 'RUNS#ACTIVE', SK: r.id } }));

    await store.create(r);

    expect((await store.listActive()).map((x) => x.id)).toContain(r.id);
  });

  it('records a cancel request once, and only while the run is queued or running', async () => {
    const r = run({ status: 'running' });
    const finished = run({ status: 'failed' });
    await Promise.all([store.create(r), store.create(finished)]);

    const first = await store.requestCancel(r.id, { by: 'usr_a', at: at(7) });
    const second = await store.requestCancel(r.id, { by: 'usr_b', at: at(8) });
    const tooLate = await store.requestCancel(finished.id, { by: 'usr_a', at: at(7) });
    const missing = await store.requestCancel(ids.next('run'), { by: 'usr_a', at: at(7) });

    expect(first).toEqual({ ...r, cancelRequested: { by: 'usr_a', at: at(7) }, updatedAt: at(7), version: 2 });
    expect(second).toBeUndefined();
    expect(tooLate).toBeUndefined();
    expect(missing).toBeUndefined();
    expect(await store.get(r.id)).toEqual(first);
    // What the runner reads every second, in one request.
    await store.claimBatch(r.id, 0, 'runner-1');
    expect(await store.watchBatch(r.id, 0)).toEqual({ run: first, claim: { batch: 0, owner: 'runner-1', closed: false } });
  });

  it('adds to counts atomically under 50 concurrent writers, leaving version alone', async () => {
    const r = run({ counts: { ...emptyCounts(), total: 50, pending: 50 } });
    await store.create(r);

    await Promise.all(Array.from({ length: 50 }, () => store.addCounts(r.id, { pending: -1, succeeded: 1 })));
    const unchanged = await store.addCounts(r.id, {});

    const expected = { ...emptyCounts(), total: 50, succeeded: 50 };
    expect(unchanged).toEqual(expected);
    expect(await store.get(r.id)).toEqual({ ...r, counts: expected });
  });

  it('refuses to count for a run that does not exist, without making one', async () => {
    const runId = ids.next('run');

    const adding = store.addCounts(runId, { failed: 1 });

    await expect(adding).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await store.get(runId)).toBeUndefined();
  });
});

describe('DynamoDB run store on dynalite: hosts', () => {
  it('writes more than 25 hosts and lists them in target id order, page by page and filtered', async () => {
    const runId = ids.next('run');
    const hosts = Array.from({ length: 60 }, (_, i) => host(runId, { batch: Math.floor(i / 20), status: i % 7 === 0 ? 'failed' : 'pending' }));

    await store.putHosts(hosts);
    const pages = await allPages((cursor) => store.listHosts(runId, { limit: 25, cursor }));
    const failed = await allPages((cursor) => store.listHosts(runId, { limit: 25, cursor, status: 'failed' }));
    const batch2 = await store.listHosts(runId, { limit: 100, batch: 2 });
    const failedOfBatch1 = await store.listHosts(runId, { limit: 100, batch: 1, status: 'failed' });

    const sorted = [...hosts].sort((a, b) => a.targetId.localeCompare(b.targetId));
    expect(pages.map((p) => p.length)).toEqual([25, 25, 10]);
    expect(pages.flat()).toEqual(sorted);
    expect(failed.flat()).toEqual(sorted.filter((h) => h.status === 'failed'));
    expect(batch2.items).toEqual(sorted.filter((h) => h.batch === 2));
    expect(failedOfBatch1.items).toEqual(sorted.filter((h) => h.batch === 1 && h.status === 'failed'));
  });

  it('replaces a host written again (the last of a repeated one wins)', async () => {
    const runId = ids.next('run');
    const h = host(runId);

    await store.putHosts([h, { ...h, address: '10.0.0.2' }]);
    await store.putHosts([{ ...h, address: '10.0.0.3' }]);

    expect(await store.getHost(runId, h.targetId)).toEqual({ ...h, address: '10.0.0.3' });
    expect(await store.getHost(runId, ids.next('tgt'))).toBeUndefined();
  });

  it('updates a host from an expected status only, skipping fields the patch leaves undefined', async () => {
    const runId = ids.next('run');
    const h = host(runId, { errorMessage: 'earlier' });
    await store.putHosts([h]);
    const steps = [{ id: 'step-1', status: 'succeeded' as const, exitCode: 0, attempts: 1, startedAt: at(1), finishedAt: at(2) }];

    const started = await store.updateHost(runId, h.targetId, ['pending'], { status: 'running', startedAt: at(1) });
    const afterStart = await store.getHost(runId, h.targetId);
    const again = await store.updateHost(runId, h.targetId, ['pending'], { status: 'running', startedAt: at(9) });
    const done = await store.updateHost(runId, h.targetId, ['running'], { status: 'succeeded', steps, exitCode: 0, errorMessage: undefined, finishedAt: at(2) });
    const checked = await store.updateHost(runId, h.targetId, ['succeeded'], {});
    const missing = await store.updateHost(runId, ids.next('tgt'), ['pending'], { status: 'running' });

    expect([started, again, done, checked, missing]).toEqual([true, false, true, true, false]);
    expect(afterStart).toEqual({ ...h, status: 'running', startedAt: at(1) });
    expect(await store.getHost(runId, h.targetId)).toEqual({ ...h, status: 'succeeded', startedAt: at(1), steps, exitCode: 0, finishedAt: at(2) });
  });
});

describe('DynamoDB run store on dynalite: batches', () => {
  it('lets one of several racing runners claim a batch, again for the holder, and nobody once it is closed', async () => {
    const runId = ids.next('run');
    const h = host(runId);
    await store.putHosts([h]);

    const racing = await Promise.all(['a', 'b', 'c', 'd'].map((owner) => store.claimBatch(runId, 0, owner)));
    const winner = ['a', 'b', 'c', 'd'][racing.indexOf('claimed')] ?? '';
    const again = await store.claimBatch(runId, 0, winner);
    const otherBatch = await store.claimBatch(runId, 1, 'b');
    await store.closeBatch(runId, 0);
    await store.closeBatch(runId, 2);
    const afterClose = await Promise.all([store.claimBatch(runId, 0, winner), store.claimBatch(runId, 2, 'a')]);

    expect(racing.filter((r) => r === 'claimed')).toHaveLength(1);
    expect(racing.filter((r) => r === 'taken')).toHaveLength(3);
    expect(again).toBe('claimed');
    expect(otherBatch).toBe('claimed');
    expect(afterClose).toEqual(['closed', 'closed']);
    expect(await store.listBatches(runId)).toEqual([
      { batch: 0, owner: winner, closed: true },
      { batch: 1, owner: 'b', closed: false },
      { batch: 2, owner: undefined, closed: true },
    ]);
    expect((await Promise.all([0, 1, 3].map((b) => store.watchBatch(runId, b)))).map((w) => w.claim)).toEqual([
      { batch: 0, owner: winner, closed: true },
      { batch: 1, owner: 'b', closed: false },
      undefined,
    ]);
    // Batch items are not hosts.
    expect((await store.listHosts(runId, { limit: 10 })).items).toEqual([h]);
    expect(await store.listBatches(ids.next('run'))).toEqual([]);
  });

  it("writes finished hosts whole for the batch's holder only, and none once the batch is closed", async () => {
    const runId = ids.next('run');
    const planned = Array.from({ length: 30 }, () => host(runId));
    await store.putHosts(planned);
    await store.claimBatch(runId, 0, 'holder');
    const finished = planned.map((h, i) => ({ ...h, status: 'succeeded' as const, exitCode: 0, startedAt: at(1), finishedAt: at(2), lastSeq: i, outputBytes: 10 * i }));

    const byOther = await store.writeResults(runId, 0, 'another runner', finished.slice(0, 2));
    const byHolder = await store.writeResults(runId, 0, 'holder', finished.slice(0, 28));
    await store.closeBatch(runId, 0);
    const afterClose = await store.writeResults(runId, 0, 'holder', finished.slice(28));

    expect([byOther, byHolder, afterClose]).toEqual([false, true, false]);
    const hosts = (await store.listHosts(runId, { limit: 100 })).items;
    expect(hosts.filter((h) => h.status === 'succeeded')).toEqual(expect.arrayContaining(finished.slice(0, 28)));
    expect(hosts.filter((h) => h.status === 'pending')).toEqual(expect.arrayContaining(planned.slice(28)));
    // Nothing to write is no write: not refused either.
    expect(await store.writeResults(runId, 0, 'holder', [])).toBe(true);
  });
});

describe('the local DynamoDB', () => {
  it('counts the requests it serves by operation (the benchmark reports them per host)', async () => {
    const before = dynamo.requests();
    const runId = ids.next('run');

    await store.putHosts([host(runId), host(runId)]);
    await store.claimBatch(runId, 0, 'a');
    await store.listBatches(runId);

    const after = dynamo.requests();
    const delta = (op: string) => (after[op] ?? 0) - (before[op] ?? 0);
    expect([delta('BatchWriteItem'), delta('UpdateItem'), delta('Query')]).toEqual([1, 1, 1]);
  });
});

describe('DynamoDB run store on dynalite: output', () => {
  it('round-trips binary output byte for byte, invalid UTF-8 included', async () => {
    const h = await plannedHost();
    const pooled = Buffer.from('héllo\n'); // a view into Node's shared pool
    const chunks = [
      chunk(1, pooled),
      chunk(2, Buffer.from([0xff, 0xfe, 0x00, 0xc3, 0x28, 0xe2, 0x82, 0x0a]), { stream: 'stderr' }),
      chunk(3, Buffer.from([0xed, 0xa0, 0x80, 0xf8, 0x88, 0x80, 0x80, 0x80]), { stepId: 'step-2', attempt: 2, at: at(2) }),
    ];

    await store.appendOutput(h.runId, chunks.map((c) => ({ ...c, targetId: h.targetId })));
    const read = await store.readOutput(h.runId, h.targetId, 0, 1024 * 1024);

    expect(read).toEqual(chunks);
    expect(read.map((c) => c.data.toString('hex'))).toEqual(chunks.map((c) => c.data.toString('hex')));
    expect(read.every((c) => Buffer.isBuffer(c.data))).toBe(true);
  });

  it('pages by sequence number and keeps a page within maxBytes, but never empty', async () => {
    const h = await plannedHost();
    await store.appendOutput(h.runId, [1, 2, 3, 4, 5].map((seq) => ({ ...chunk(seq, Buffer.alloc(1000, seq)), targetId: h.targetId })));
    await store.appendOutput(h.runId, [chunk(6, Buffer.alloc(5000, 6)), chunk(7, Buffer.alloc(10, 7))].map((c) => ({ ...c, targetId: h.targetId })));
    const seqs = async (afterSeq: number, maxBytes: number) => (await store.readOutput(h.runId, h.targetId, afterSeq, maxBytes)).map((c) => c.seq);

    const fromStart = await seqs(0, 2500);
    const next = await seqs(2, 2500);
    const exact = await seqs(2, 3000);
    const oversized = await seqs(5, 1024);
    const rest = await seqs(6, 1024);
    const caughtUp = await seqs(7, 1024);

    expect(fromStart).toEqual([1, 2]);
    expect(next).toEqual([3, 4]);
    expect(exact).toEqual([3, 4, 5]);
    expect(oversized).toEqual([6]);
    expect(rest).toEqual([7]);
    expect(caughtUp).toEqual([]);
  });

  it('stores chunks of several hosts in one call, each under its own host', async () => {
    const [a, b] = [await plannedHost(), await plannedHost()];
    const other = { ...b, runId: a.runId };
    await store.putHosts([other]);

    await store.appendOutput(a.runId, [
      { ...chunk(1, Buffer.from('a1')), targetId: a.targetId },
      { ...chunk(1, Buffer.from('b1')), targetId: other.targetId },
      { ...chunk(2, Buffer.from('a2')), targetId: a.targetId },
    ]);

    expect((await store.readOutput(a.runId, a.targetId, 0, 1024)).map((c) => c.data.toString())).toEqual(['a1', 'a2']);
    expect((await store.readOutput(a.runId, other.targetId, 0, 1024)).map((c) => c.data.toString())).toEqual(['b1']);
  });

  it('stores 10 MB as 64 KiB chunks and reads it back byte-exact in 4 MiB pages', async () => {
    const h = await plannedHost();
    const output = randomBytes(10 * 1024 * 1024);
    const size = 64 * 1024;
    const chunks = Array.from({ length: output.length / size }, (_, i) => chunk(i + 1, output.subarray(i * size, (i + 1) * size)));

    // As the runner would: a few appends in order.
    for (let i = 0; i < chunks.length; i += 40) await store.appendOutput(h.runId, chunks.slice(i, i + 40).map((c) => ({ ...c, targetId: h.targetId })));
    const pages: StoredChunk[][] = [];
    for (let afterSeq = 0; ; ) {
      const page = await store.readOutput(h.runId, h.targetId, afterSeq, 4 * 1024 * 1024);
      if (page.length === 0) break;
      pages.push(page);
      afterSeq = page.at(-1)?.seq ?? afterSeq;
    }

    expect(pages.map((p) => p.length)).toEqual([64, 64, 32]);
    expect(Buffer.concat(pages.flat().map((c) => c.data)).equals(output)).toBe(true);
  });
});
