import { BatchGetCommand, BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDeps } from './project-store';

/**
 * DynamoDB's batch calls for many items: BatchWriteItem takes 25 writes and BatchGetItem 100 keys a
 * request, so a long list goes as several requests, up to PARALLEL_REQUESTS at a time (on DynamoDB
 * each is a network round trip, and a Plan of 500 hosts waited for 20 of them one after the other).
 * What DynamoDB hands back unprocessed (throttling) is sent again after a growing pause, up to
 * MAX_ATTEMPTS.
 */
const WRITES_PER_REQUEST = 25;
const KEYS_PER_REQUEST = 100;
const PARALLEL_REQUESTS = 4;
const MAX_ATTEMPTS = 8;

type Key = Record<string, string>;
export type WriteRequest = { PutRequest: { Item: Record<string, unknown> } } | { DeleteRequest: { Key: Key } };

const pause = (attempt: number) => new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * 2 ** attempt)));

/** Runs `work` on each slice of `size`, `parallel` at a time. */
const inSlices = async <T, R>(items: readonly T[], size: number, work: (slice: T[]) => Promise<R[]>, parallel = PARALLEL_REQUESTS): Promise<R[]> => {
  const slices: T[][] = [];
  for (let i = 0; i < items.length; i += size) slices.push(items.slice(i, i + size));
  const results: R[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(parallel, slices.length) }, async () => {
      for (let i = next++; i < slices.length; i = next++) results.push(...(await work(slices[i] ?? [])));
    }),
  );
  return results;
};

/**
 * Writes every request; one request may not name an item twice, so callers pass each key once.
 * `inOrder` sends one request after the other, for items a reader pages through in key order (output
 * chunks: a later chunk must not be readable before an earlier one).
 */
export const batchWrite = async ({ ddb, tableName }: DynamoDeps, writes: readonly WriteRequest[], opts: { inOrder?: boolean } = {}): Promise<void> => {
  await inSlices(writes, WRITES_PER_REQUEST, async (slice) => {
    let requests = slice;
    for (let attempt = 1; requests.length > 0; attempt++) {
      const res = await ddb.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
      requests = (res.UnprocessedItems?.[tableName] ?? []) as WriteRequest[];
      if (requests.length === 0) break;
      if (attempt === MAX_ATTEMPTS) throw new Error(`BatchWriteItem left ${String(requests.length)} items unprocessed after ${String(attempt)} attempts`);
      await pause(attempt);
    }
    return [];
  }, opts.inOrder ? 1 : PARALLEL_REQUESTS);
};

/** The items with these keys that exist, strongly consistent, in no particular order. */
export const batchGet = async ({ ddb, tableName }: DynamoDeps, keys: readonly Key[]): Promise<Record<string, unknown>[]> =>
  inSlices(keys, KEYS_PER_REQUEST, async (slice) => {
    const found: Record<string, unknown>[] = [];
    let wanted = slice;
    for (let attempt = 1; wanted.length > 0; attempt++) {
      const res = await ddb.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: wanted, ConsistentRead: true } } }));
      found.push(...(res.Responses?.[tableName] ?? []));
      wanted = (res.UnprocessedKeys?.[tableName]?.Keys ?? []) as Key[];
      if (wanted.length === 0) break;
      if (attempt === MAX_ATTEMPTS) throw new Error(`BatchGetItem left ${String(wanted.length)} keys unprocessed after ${String(attempt)} attempts`);
      await pause(attempt);
    }
    return found;
  });
