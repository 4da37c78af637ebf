import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { createDynamoProjectStore } from '../../adapters/aws/project-store';
import type { ProjectStore } from '../../core/ports/project-store';
import type { Project } from '../../core/projects/schema';
import type { LocalDynamo } from '../../local/dynamo';
import { startTestDynamo } from '../support/dynalite';
import { testIds } from '../support/fakes';

let dynamo: LocalDynamo;
let store: ProjectStore;
const ids = testIds();

beforeAll(async () => {
  dynamo = await startTestDynamo();
  store = createDynamoProjectStore({ ddb: dynamo.doc, tableName: dynamo.tableName });
});
afterAll(() => dynamo.close());

const project = (name: string, over: Partial<Project> = {}): Project => ({
  id: ids.next('prj'),
  name,
  description: '',
  createdAt: '2026-11-25T10:00:00.000Z',
  createdBy: 'admin',
  updatedAt: '2026-11-25T10:00:00.000Z',
  updatedBy: 'admin',
  version: 1,
  ...over,
});

describe('DynamoDB project store on dynalite', () => {
  it('creates, reads, updates and deletes', async () => {
    const p = project('crud');

    await store.create(p);
    const read = await store.get(p.id);
    await store.update({ ...p, description: 'changed', version: 2 }, 1);
    const updated = await store.get(p.id);
    await store.delete({ ...p, version: 2 });

    expect(read).toEqual(p);
    expect(updated).toMatchObject({ description: 'changed', version: 2 });
    expect(await store.get(p.id)).toBeUndefined();
  });

  it('answers VERSION_CONFLICT (409) when the stored version moved on', async () => {
    const p = project('conflict');
    await store.create(p);
    await store.update({ ...p, description: 'first', version: 2 }, 1);

    const stale = store.update({ ...p, description: 'second', version: 2 }, 1);

    await expect(stale).rejects.toMatchObject({ code: 'VERSION_CONFLICT', status: 409, details: { expectedVersion: 1, currentVersion: 2 } });
    expect((await store.get(p.id))?.description).toBe('first');
    await expect(store.delete(p)).rejects.toMatchObject({ code: 'VERSION_CONFLICT' });
  });

  it('keeps names unique regardless of case, and frees a name on rename and delete', async () => {
    const a = project('Shared-Name');
    await store.create(a);

    await expect(store.create(project('shared-name'))).rejects.toMatchObject({ code: 'CONFLICT', status: 409, details: { field: 'name' } });

    await store.update({ ...a, name: 'renamed', version: 2 }, 1);
    const b = project('shared-name');
    await store.create(b);
    await expect(store.update({ ...b, name: 'RENAMED', version: 2 }, 1)).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await store.get(b.id))?.name).toBe('shared-name');

    await store.delete({ ...a, name: 'renamed', version: 2 });
    await store.create(project('renamed'));
  });

  it('lets a project change the case of its own name', async () => {
    const p = project('casey');
    await store.create(p);

    await store.update({ ...p, name: 'Casey', version: 2 }, 1);

    expect((await store.get(p.id))?.name).toBe('Casey');
  });

  it('takes over a name claim orphaned by a crash between writes', async () => {
    // A claim whose project was never written (the process died in between).
    await dynamo.doc.send(
      new PutCommand({ TableName: dynamo.tableName, Item: { PK: 'PROJECTNAME#orphaned', SK: 'CLAIM', ownerId: 'prj_gone' } }),
    );

    const p = project('orphaned');
    await store.create(p);

    expect((await store.get(p.id))?.name).toBe('orphaned');
  });

  it('pages through 250 projects with opaque cursors, in name order, each exactly once', async () => {
    const names = Array.from({ length: 250 }, (_, i) => `page-${String(i).padStart(3, '0')}`);
    for (const name of names) await store.create(project(name));

    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await store.list({ limit: 40, cursor });
      seen.push(...page.items.map((p) => p.name));
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== undefined);

    const paged = seen.filter((n) => n.startsWith('page-'));
    expect(paged).toEqual(names);
    expect(new Set(seen).size).toBe(seen.length);
    expect(pages).toBeGreaterThanOrEqual(7);
  });

  it('rejects a cursor it did not hand out with INVALID_CURSOR (400)', async () => {
    const forged = Buffer.from(JSON.stringify({ PK: 'P#x', admin: true })).toString('base64url');

    await expect(store.list({ limit: 10, cursor: 'not-base64-json' })).rejects.toMatchObject({ code: 'INVALID_CURSOR', status: 400 });
    await expect(store.list({ limit: 10, cursor: forged })).rejects.toMatchObject({ code: 'INVALID_CURSOR' });
  });

  it('answers NOT_FOUND when updating a project that was deleted meanwhile', async () => {
    const p = project('vanishing');
    await store.create(p);
    await dynamo.doc.send(new DeleteCommand({ TableName: dynamo.tableName, Key: { PK: `P#${p.id}`, SK: 'META' } }));

    await expect(store.update({ ...p, version: 2 }, 1)).rejects.toMatchObject({ code: 'NOT_FOUND', status: 404 });
  });
});
