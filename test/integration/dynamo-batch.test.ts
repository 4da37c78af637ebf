import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { batchWrite } from '../../adapters/aws/batch';
import { createDynamoTargetStore } from '../../adapters/aws/inventory-store';
import type { Target } from '../../core/inventory/target-schema';
import type { TargetStore } from '../../core/ports/inventory-store';
import type { LocalDynamo } from '../../local/dynamo';
import { startTestDynamo } from '../support/dynalite';
import { testIds } from '../support/fakes';

let dynamo: LocalDynamo;
let targets: TargetStore;
const ids = testIds();
const projectId = ids.next('prj');

beforeAll(async () => {
  dynamo = await startTestDynamo();
  targets = createDynamoTargetStore({ ddb: dynamo.doc, tableName: dynamo.tableName });
});
afterAll(() => dynamo.close());

const target = (n: number): Target => ({
  id: ids.next('tgt'),
  projectId,
  name: `host-${String(n).padStart(3, '0')}`,
  address: '127.0.0.1',
  port: 22,
  protocol: 'ssh',
  tags: {},
  enabled: true,
  description: '',
  createdAt: '2026-11-26T10:00:00.000Z',
  createdBy: 'admin',
  updatedAt: '2026-11-26T10:00:00.000Z',
  updatedBy: 'admin',
  version: 1,
});

describe('DynamoDB batch reads and writes on dynalite', () => {
  it('reads 250 targets by id over several requests: each existing one once, the missing ones left out', async () => {
    const created = Array.from({ length: 250 }, (_, n) => target(n));
    for (const t of created) await targets.create(t);
    await targets.delete(created[7] as Target);
    const asked = [...created.map((t) => t.id), ids.next('tgt'), created[0]?.id ?? '', created[249]?.id ?? ''];

    const read = await targets.getMany(projectId, asked);

    expect(read.map((t) => t.id).sort()).toEqual(created.filter((_, n) => n !== 7).map((t) => t.id).sort());
    expect(read.find((t) => t.id === created[42]?.id)).toEqual(created[42]);
    expect(await targets.getMany(projectId, [])).toEqual([]);
  });

  it('puts and deletes 130 items in requests of 25, and in order when asked', async () => {
    const pk = 'TEST#batch';
    const items = Array.from({ length: 130 }, (_, n) => ({ PK: pk, SK: `ITEM#${String(n).padStart(3, '0')}`, n }));
    const stored = async () =>
      (await dynamo.doc.send(new QueryCommand({ TableName: dynamo.tableName, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': pk }, ConsistentRead: true }))).Items ?? [];
    const before = dynamo.requests().BatchWriteItem ?? 0;

    await batchWrite({ ddb: dynamo.doc, tableName: dynamo.tableName }, items.map((Item) => ({ PutRequest: { Item } })), { inOrder: true });
    const afterPut = await stored();
    await batchWrite({ ddb: dynamo.doc, tableName: dynamo.tableName }, items.map(({ PK, SK }) => ({ DeleteRequest: { Key: { PK, SK } } })));

    expect(afterPut.map((i) => Number(i.n))).toEqual(items.map((i) => i.n));
    expect((dynamo.requests().BatchWriteItem ?? 0) - before).toBe(12);
    expect(await stored()).toEqual([]);
  });
});
