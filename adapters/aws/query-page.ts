import { QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { table } from '../../core/data-model';
import type { Page } from '../../core/pagination';
import { decodeCursor, encodeCursor } from './cursor';

const cursorKeys: readonly string[] = [table.partitionKey, table.sortKey, ...table.indexes.flatMap((i) => [i.partitionKey, i.sortKey])];

const keyNames = new Set<string>(cursorKeys);

/** An item without the table's key attributes: what the domain schemas parse. */
export const stripKeys = (item: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(item).filter(([k]) => !keyNames.has(k)));

/** One page of a Query, with DynamoDB's LastEvaluatedKey as the opaque cursor. */
export const queryPage = async <T>(
  ddb: DynamoDBDocumentClient,
  input: Omit<QueryCommandInput, 'Limit' | 'ExclusiveStartKey'>,
  page: { limit: number; cursor?: string | undefined },
  parse: (item: Record<string, unknown>) => T,
): Promise<Page<T>> => {
  const res = await ddb.send(
    new QueryCommand({ ...input, Limit: page.limit, ExclusiveStartKey: decodeCursor(page.cursor, cursorKeys) }),
  );
  const items = (res.Items ?? []).map((i) => parse(stripKeys(i)));
  const next = encodeCursor(res.LastEvaluatedKey);
  return next === undefined ? { items } : { items, nextCursor: next };
};

/** Every item of a Query, page after page (for bounded sets such as a project's members). */
export const queryAll = async (ddb: DynamoDBDocumentClient, input: Omit<QueryCommandInput, 'ExclusiveStartKey'>): Promise<Record<string, unknown>[]> => {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const res = await ddb.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
    items.push(...(res.Items ?? []));
    start = res.LastEvaluatedKey;
  } while (start !== undefined);
  return items;
};
