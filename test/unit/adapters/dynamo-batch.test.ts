import type { BatchGetCommand, BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batchGet, batchWrite } from '../../../adapters/aws/batch';

type Sent = BatchWriteCommand | BatchGetCommand;

/** A document client that answers each request with the next of `answers` (and records it). */
const scripted = (answers: ((cmd: Sent) => unknown)[]) => {
  const sent: Sent[] = [];
  const send = (cmd: Sent) => {
    sent.push(cmd);
    const answer = answers.shift();
    return Promise.resolve(answer ? answer(cmd) : {});
  };
  return { deps: { ddb: { send } as unknown as DynamoDBDocumentClient, tableName: 't' }, sent };
};

const puts = (n: number) => Array.from({ length: n }, (_, i) => ({ PutRequest: { Item: { PK: 'P', SK: String(i) } } }));
const writesOf = (cmd: Sent) => (cmd as BatchWriteCommand).input.RequestItems?.t ?? [];
const keysOf = (cmd: Sent) => (cmd as BatchGetCommand).input.RequestItems?.t?.Keys ?? [];

describe('DynamoDB batch calls', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('sends again what a BatchWrite left unprocessed, and only that', async () => {
    const { deps, sent } = scripted([(cmd) => ({ UnprocessedItems: { t: writesOf(cmd).slice(20) } }), () => ({})]);

    await batchWrite(deps, puts(25));

    expect(sent.map((c) => writesOf(c).length)).toEqual([25, 5]);
    expect(writesOf(sent[1] as Sent)).toEqual(puts(25).slice(20));
  });

  it('reads again the keys a BatchGet left unprocessed, and answers every item found', async () => {
    const keys = Array.from({ length: 150 }, (_, i) => ({ PK: 'P', SK: String(i) }));
    const found = (ks: Record<string, unknown>[]) => ks.filter((k) => Number(k.SK) % 2 === 0);
    const { deps, sent } = scripted([
      (cmd) => ({ Responses: { t: found(keysOf(cmd).slice(0, 60)) }, UnprocessedKeys: { t: { Keys: keysOf(cmd).slice(60) } } }),
      (cmd) => ({ Responses: { t: found(keysOf(cmd)) } }),
      (cmd) => ({ Responses: { t: found(keysOf(cmd)) } }),
    ]);

    const items = await batchGet(deps, keys);

    expect(sent.map((c) => keysOf(c).length).sort((a, b) => a - b)).toEqual([40, 50, 100]);
    expect(sent.every((c) => (c as BatchGetCommand).input.RequestItems?.t?.ConsistentRead === true)).toBe(true);
    expect(items.map((i) => Number(i.SK)).sort((a, b) => a - b)).toEqual(found(keys).map((k) => Number(k.SK)));
  });

  it('gives up with an error after eight attempts that leave items unprocessed', async () => {
    jest.useFakeTimers();
    const { deps, sent } = scripted(Array.from({ length: 10 }, () => (cmd: Sent) => ({ UnprocessedItems: { t: writesOf(cmd) } })));

    const writing = batchWrite(deps, puts(3));
    const failed = expect(writing).rejects.toThrow('BatchWriteItem left 3 items unprocessed after 8 attempts');
    await jest.advanceTimersByTimeAsync(10_000);

    await failed;
    expect(sent).toHaveLength(8);
  });
});
