import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, QueryCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AuditRecord } from '../../core/audit/schema';
import { table } from '../../core/data-model';
import { AppError } from '../../core/errors';
import type { AuditQuery, AuditStore } from '../../core/ports/audit-store';
import type { Page } from '../../core/pagination';
import { stripKeys } from './query-page';

/**
 * Audit records in the single table, one partition per project and UTC day:
 *   record  PK=AUDIT#<projectId|GLOBAL>#<yyyy-mm-dd>  SK=<time>#<eventId>
 *           GSI1PK=AUDIT#<yyyy-mm-dd>  GSI1SK=<time>#<eventId>   (every project's, for global admins)
 *           expiresAt (epoch s): TTL on AWS; filtered on read and swept locally.
 * A range is read day partition by day partition, newest first.
 */
const GLOBAL = 'GLOBAL';
const index = table.indexes[0];
const DAY_MS = 24 * 60 * 60 * 1000;
/** Queries one page may make before it answers short with a cursor (selective filters over a long range). */
const MAX_QUERIES_PER_PAGE = 60;

const dayOf = (iso: string): string => iso.slice(0, 10);
const partitionOf = (projectId: string | undefined, day: string) => `AUDIT#${projectId ?? GLOBAL}#${day}`;
const crossProjectPartitionOf = (day: string) => `AUDIT#${day}`;
const sortKeyOf = (r: Pick<AuditRecord, 'time' | 'eventId'>) => `${r.time}#${r.eventId}`;

/** The UTC days from `to` back to `from`, inclusive. */
const daysBetween = (from: Date, to: Date): string[] => {
  const days: string[] = [];
  const first = Date.parse(`${dayOf(from.toISOString())}T00:00:00.000Z`);
  for (let t = Date.parse(`${dayOf(to.toISOString())}T00:00:00.000Z`); t >= first; t -= DAY_MS) days.push(new Date(t).toISOString().slice(0, 10));
  return days;
};

interface Position {
  d: string;
  pk?: string;
  sk?: string;
}

const encode = (p: Position): string => Buffer.from(JSON.stringify(p)).toString('base64url');
const decode = (cursor: string, days: readonly string[], q: AuditQuery): Position => {
  const invalid = new AppError('INVALID_CURSOR', 'The cursor is not one this API handed out.');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid;
  }
  const p = parsed as Partial<Record<keyof Position, unknown>> | null;
  if (typeof p !== 'object' || p === null || typeof p.d !== 'string' || !days.includes(p.d)) throw invalid;
  if (p.pk === undefined && p.sk === undefined) return { d: p.d };
  if (typeof p.pk !== 'string' || typeof p.sk !== 'string' || p.sk.length > 512) throw invalid;
  const pkOk = q.scope.kind === 'project' ? p.pk === partitionOf(q.scope.projectId, p.d) : new RegExp(`^AUDIT#[^#]{1,64}#${p.d}$`).test(p.pk);
  if (!pkOk) throw invalid;
  return { d: p.d, pk: p.pk, sk: p.sk };
};

export interface DynamoAuditStore extends AuditStore {
  /** Deletes records whose `expiresAt` has passed (dynalite has no TTL); answers how many. */
  sweepExpired(now: Date): Promise<number>;
}

export const createDynamoAuditStore = ({ ddb, tableName }: { ddb: DynamoDBDocumentClient; tableName: string }): DynamoAuditStore => {
  const filterOf = (q: AuditQuery) => {
    const names: Record<string, string> = { '#sk': q.scope.kind === 'project' ? table.sortKey : index.sortKey, '#exp': table.ttlAttribute };
    const values: Record<string, unknown> = {
      ':lo': q.from.toISOString(),
      // '$' sorts just after '#': every event id at exactly `to` is included.
      ':hi': `${q.to.toISOString()}$`,
      ':now': Math.floor(q.now.getTime() / 1000),
    };
    const clauses = ['#exp > :now'];
    if (q.filter.actor !== undefined) {
      Object.assign(names, { '#actor': 'actor', '#actorId': 'id', '#actorName': 'name' });
      values[':actor'] = q.filter.actor;
      clauses.push('(#actor.#actorId = :actor OR #actor.#actorName = :actor)');
    }
    if (q.filter.action !== undefined) {
      names['#action'] = 'action';
      values[':action'] = q.filter.action;
      clauses.push('#action = :action');
    }
    if (q.filter.resource !== undefined) {
      names['#rids'] = 'resourceIds';
      values[':resource'] = q.filter.resource;
      clauses.push('contains(#rids, :resource)');
    }
    return { names, values, expression: clauses.join(' AND ') };
  };

  const query = async (q: AuditQuery): Promise<Page<AuditRecord>> => {
    const days = daysBetween(q.from, q.to);
    const start = q.cursor === undefined ? { d: days[0] ?? '' } : decode(q.cursor, days, q);
    let dayIndex = days.indexOf(start.d);
    let startKey: Record<string, string> | undefined =
      start.pk === undefined || start.sk === undefined
        ? undefined
        : q.scope.kind === 'project'
          ? { [table.partitionKey]: start.pk, [table.sortKey]: start.sk }
          : { [table.partitionKey]: start.pk, [table.sortKey]: start.sk, [index.partitionKey]: crossProjectPartitionOf(start.d), [index.sortKey]: start.sk };
    const { names, values, expression } = filterOf(q);
    const items: Record<string, unknown>[] = [];
    const page = (cursor?: Position): Page<AuditRecord> => {
      const parsed = items.map((i) => AuditRecord.parse(stripKeys(i)));
      return cursor === undefined ? { items: parsed } : { items: parsed, nextCursor: encode(cursor) };
    };

    for (let calls = 0; dayIndex >= 0 && dayIndex < days.length; calls++) {
      const day = days[dayIndex] ?? '';
      if (calls >= MAX_QUERIES_PER_PAGE) {
        const pk = startKey?.[table.partitionKey];
        const sk = startKey?.[table.sortKey];
        return page(pk === undefined || sk === undefined ? { d: day } : { d: day, pk, sk });
      }
      const need = q.limit - items.length;
      const res = await ddb.send(
        new QueryCommand({
          TableName: tableName,
          ...(q.scope.kind === 'project' ? {} : { IndexName: index.name }),
          KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :lo AND :hi',
          FilterExpression: expression,
          ExpressionAttributeNames: { ...names, '#pk': q.scope.kind === 'project' ? table.partitionKey : index.partitionKey },
          ExpressionAttributeValues: { ...values, ':pk': q.scope.kind === 'project' ? partitionOf(q.scope.projectId, day) : crossProjectPartitionOf(day) },
          ScanIndexForward: false,
          // Read a little ahead when filters skip records; whatever is past the page is read again next time.
          Limit: Math.min(1000, Math.max(need, 100)),
          ExclusiveStartKey: startKey,
        }),
      );
      const got = res.Items ?? [];
      if (got.length >= need) {
        const kept = got.slice(0, need);
        items.push(...kept);
        const last = kept[kept.length - 1] ?? {};
        return page({ d: day, pk: String(last[table.partitionKey]), sk: String(last[table.sortKey]) });
      }
      items.push(...got);
      if (res.LastEvaluatedKey === undefined) {
        dayIndex++;
        startKey = undefined;
      } else {
        startKey = res.LastEvaluatedKey as Record<string, string>;
      }
    }
    return page();
  };

  return {
    put: async (record) => {
      const sk = sortKeyOf(record);
      try {
        await ddb.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              [table.partitionKey]: partitionOf(record.projectId, dayOf(record.time)),
              [table.sortKey]: sk,
              [index.partitionKey]: crossProjectPartitionOf(dayOf(record.time)),
              [index.sortKey]: sk,
              ...AuditRecord.parse(record),
            },
            ConditionExpression: 'attribute_not_exists(#pk)',
            ExpressionAttributeNames: { '#pk': table.partitionKey },
          }),
        );
        return true;
      } catch (e) {
        if (e instanceof ConditionalCheckFailedException) return false;
        throw e;
      }
    },

    query,

    sweepExpired: async (now) => {
      let deleted = 0;
      let startKey: Record<string, unknown> | undefined;
      do {
        const res = await ddb.send(
          new ScanCommand({
            TableName: tableName,
            FilterExpression: 'begins_with(#pk, :audit) AND #exp <= :now',
            ProjectionExpression: '#pk, #sk',
            ExpressionAttributeNames: { '#pk': table.partitionKey, '#sk': table.sortKey, '#exp': table.ttlAttribute },
            ExpressionAttributeValues: { ':audit': 'AUDIT#', ':now': Math.floor(now.getTime() / 1000) },
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of res.Items ?? []) {
          const key = { [table.partitionKey]: String(item[table.partitionKey]), [table.sortKey]: String(item[table.sortKey]) };
          await ddb.send(new DeleteCommand({ TableName: tableName, Key: key }));
          deleted++;
        }
        startKey = res.LastEvaluatedKey;
      } while (startKey !== undefined);
      return deleted;
    },
  };
};
