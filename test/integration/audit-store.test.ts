import { createDynamoAuditStore, type DynamoAuditStore } from '../../adapters/aws/audit-store';
import type { AuditRecord } from '../../core/audit/schema';
import type { AuditQuery } from '../../core/ports/audit-store';
import type { LocalDynamo } from '../../local/dynamo';
import { startTestDynamo } from '../support/dynalite';

let dynamo: LocalDynamo;
let store: DynamoAuditStore;

beforeAll(async () => {
  dynamo = await startTestDynamo();
  store = createDynamoAuditStore({ ddb: dynamo.doc, tableName: dynamo.tableName });
});
afterAll(() => dynamo.close());

const P1 = 'prj_01JD00000000000000000000A1';
const P2 = 'prj_01JD00000000000000000000A2';
const FAR = 2_000_000_000;
let n = 0;
const record = (time: string, over: Partial<AuditRecord> = {}): AuditRecord => ({
  eventId: `evt-${String(++n).padStart(4, '0')}`,
  time,
  source: 'opsconductor.automation',
  action: 'Job Created',
  outcome: 'success',
  actor: { type: 'user', id: 'sub-ada', name: 'ada' },
  projectId: P1,
  resource: { type: 'job', id: 'job_1', name: 'patch' },
  resourceIds: ['job_1', P1],
  expiresAt: FAR,
  ...over,
});
const now = new Date('2026-11-25T12:00:00Z');
const q = (over: Partial<AuditQuery>): AuditQuery => ({
  scope: { kind: 'project', projectId: P1 },
  from: new Date('2026-11-20T00:00:00Z'),
  to: new Date('2026-11-25T23:59:59Z'),
  filter: {},
  now,
  limit: 50,
  ...over,
});
const all = async (query: AuditQuery): Promise<{ ids: string[]; pages: number }> => {
  const ids: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await store.query({ ...query, cursor });
    ids.push(...page.items.map((i) => i.eventId));
    cursor = page.nextCursor;
    pages++;
  } while (cursor !== undefined);
  return { ids, pages };
};

describe('DynamoDB audit store on dynalite', () => {
  const days = ['2026-11-21T08:00:00.000Z', '2026-11-23T09:30:00.000Z', '2026-11-23T17:45:00.000Z', '2026-11-25T11:00:00.000Z'];
  const seeded: AuditRecord[] = [];

  beforeAll(async () => {
    for (const t of days) seeded.push(record(t));
    seeded.push(record('2026-11-24T10:00:00.000Z', { projectId: P2, resourceIds: [P2], resource: { type: 'project', id: P2 } }));
    seeded.push(record('2026-11-24T11:00:00.000Z', { projectId: undefined, action: 'User Invited', actor: { type: 'user', id: 'sub-root', name: 'root' }, resource: { type: 'user', id: 'bob' }, resourceIds: ['bob'] }));
    seeded.push(record('2026-11-22T11:00:00.000Z', { action: 'Access Denied', outcome: 'denied', actor: { type: 'apiKey', id: 'key_1', name: 'ci' }, requestId: 'req-1', sourceIp: '192.0.2.1' }));
    seeded.push(record('2026-11-24T09:00:00.000Z', { resource: { type: 'run', id: 'run_7' }, resourceIds: ['run_7', 'job_2', P1], action: 'Run Completed' }));
    for (const r of seeded) expect(await store.put(r)).toBe(true);
  });

  it('writes a record once: a redelivered event changes nothing', async () => {
    const first = seeded[0] as AuditRecord;

    expect(await store.put({ ...first, action: 'Tampered' })).toBe(false);
    const page = await store.query(q({ filter: { action: 'Tampered' } }));
    expect(page.items).toEqual([]);
  });

  it("reads a project's day partitions newest first, across days, and only that project's", async () => {
    const { ids } = await all(q({}));

    const mine = seeded.filter((r) => r.projectId === P1).sort((a, b) => b.time.localeCompare(a.time));
    expect(ids).toEqual(mine.map((r) => r.eventId));
  });

  it('pages with a cursor, a day at a time or within a day', async () => {
    const whole = await all(q({}));
    const paged = await all(q({ limit: 2 }));

    expect(paged.ids).toEqual(whole.ids);
    expect(paged.pages).toBeGreaterThanOrEqual(3);
  });

  it('bounds by time inclusively', async () => {
    const { ids } = await all(q({ from: new Date('2026-11-23T09:30:00Z'), to: new Date('2026-11-23T17:45:00Z') }));

    expect(ids).toHaveLength(2);
  });

  it('filters by actor id or name, action and resource id on the server', async () => {
    expect((await all(q({ filter: { actor: 'ci' } }))).ids).toHaveLength(1);
    expect((await all(q({ filter: { actor: 'key_1' } }))).ids).toHaveLength(1);
    expect((await all(q({ filter: { action: 'Run Completed' } }))).ids).toHaveLength(1);
    expect((await all(q({ filter: { resource: 'job_2' } }))).ids).toHaveLength(1);
    expect((await all(q({ filter: { resource: 'job_1', actor: 'ada' } }))).ids).toHaveLength(4);
  });

  it('shows global admins every project and the installation through the cross-project index', async () => {
    const { ids } = await all(q({ scope: { kind: 'all' }, limit: 3 }));

    expect(ids).toEqual([...seeded].sort((a, b) => b.time.localeCompare(a.time)).map((r) => r.eventId));
  });

  it('refuses a cursor for another project or a tampered one', async () => {
    const page = await store.query(q({ limit: 1 }));
    const cursor = page.nextCursor ?? '';

    await expect(store.query(q({ scope: { kind: 'project', projectId: P2 }, cursor }))).rejects.toMatchObject({ code: 'INVALID_CURSOR' });
    await expect(store.query(q({ cursor: 'not-a-cursor' }))).rejects.toMatchObject({ code: 'INVALID_CURSOR' });
  });

  it('hides expired records on read and the sweep deletes them', async () => {
    const expired = record('2026-11-25T10:00:00.000Z', { expiresAt: Math.floor(now.getTime() / 1000) - 1, action: 'Expired' });
    await store.put(expired);

    expect((await all(q({ filter: { action: 'Expired' } }))).ids).toEqual([]);
    expect((await all(q({ filter: { action: 'Expired' }, now: new Date('2026-11-01T00:00:00Z') }))).ids).toEqual([expired.eventId]);
    expect(await store.sweepExpired(now)).toBe(1);
    expect((await all(q({ filter: { action: 'Expired' }, now: new Date('2026-11-01T00:00:00Z') }))).ids).toEqual([]);
    expect((await all(q({}))).ids.length).toBeGreaterThan(0);
  });
});
