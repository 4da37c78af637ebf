import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { table } from '../../core/data-model';
import { conflict, notFound, versionConflict } from '../../core/errors';
import { Channel, Delivery, Rule } from '../../core/notifications/schema';
import type { NotificationChannelStore, NotificationDeliveryStore, NotificationRuleStore } from '../../core/ports/notification-store';
import type { DynamoDeps } from './project-store';
import { queryAll, queryPage, stripKeys } from './query-page';

/**
 * Notification channels and rules:  PK=P#<project>  SK=NCHAN#<id> | NRULE#<id>  (edits conditional
 * on `version`). Deliveries:  PK=NDELIVERY#<occurrence>:<channelId>  SK=META, GSI1
 * P#<project>#NDELIVERIES / <createdAt>#<id> for the log, newest first. A delivery's key is its
 * idempotency key: the conditional Put that claims it is what keeps a redelivered event from
 * sending twice.
 */
const isConditionFailure = (e: unknown) => e instanceof ConditionalCheckFailedException;

interface Versioned {
  id: string;
  projectId: string;
  version: number;
}

/** The get/list/create/update/delete of a versioned item under its project, shared by channels and rules. */
const projectItems = <T extends Versioned>({ ddb, tableName }: DynamoDeps, prefix: string, what: string, parse: (item: Record<string, unknown>) => T) => {
  const key = (projectId: string, id: string) => ({ PK: `P#${projectId}`, SK: `${prefix}${id}` });
  const get = async (projectId: string, id: string) => {
    const res = await ddb.send(new GetCommand({ TableName: tableName, Key: key(projectId, id), ConsistentRead: true }));
    return res.Item ? parse(stripKeys(res.Item)) : undefined;
  };
  const query = (projectId: string) => ({
    TableName: tableName,
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
    ExpressionAttributeValues: { ':pk': `P#${projectId}`, ':sk': prefix },
    ConsistentRead: true,
  });
  return {
    get,
    list: (projectId: string, page: { limit: number; cursor?: string | undefined }) => queryPage(ddb, query(projectId), page, parse),
    listAll: async (projectId: string) => (await queryAll(ddb, query(projectId))).map((i) => parse(stripKeys(i))),
    create: async (x: T) => {
      try {
        await ddb.send(new PutCommand({ TableName: tableName, Item: { ...key(x.projectId, x.id), ...x }, ConditionExpression: 'attribute_not_exists(PK)' }));
      } catch (e) {
        throw isConditionFailure(e) ? conflict(`${what} '${x.id}' already exists.`) : e;
      }
    },
    update: async (x: T, expectedVersion: number) => {
      try {
        await ddb.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...key(x.projectId, x.id), ...x },
            ConditionExpression: 'attribute_exists(PK) AND #version = :expected',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':expected': expectedVersion },
          }),
        );
      } catch (e) {
        if (!isConditionFailure(e)) throw e;
        const current = await get(x.projectId, x.id);
        throw current ? versionConflict(expectedVersion, current.version) : notFound(what, x.id);
      }
    },
    delete: async (x: T) => {
      try {
        await ddb.send(
          new DeleteCommand({ TableName: tableName, Key: key(x.projectId, x.id), ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': x.version } }),
        );
      } catch (e) {
        if (isConditionFailure(e)) throw notFound(what, x.id);
        throw e;
      }
    },
  };
};

export const createDynamoChannelStore = (deps: DynamoDeps): NotificationChannelStore => projectItems(deps, 'NCHAN#', 'Notification channel', (i) => Channel.parse(i));

export const createDynamoRuleStore = (deps: DynamoDeps): NotificationRuleStore => projectItems(deps, 'NRULE#', 'Notification rule', (i) => Rule.parse(i));

export const createDynamoDeliveryStore = ({ ddb, tableName }: DynamoDeps): NotificationDeliveryStore => {
  const index = table.indexes[0];
  const key = (id: string) => ({ PK: `NDELIVERY#${id}`, SK: 'META' });
  const item = (d: Delivery) => ({ ...key(d.id), [index.partitionKey]: `P#${d.projectId}#NDELIVERIES`, [index.sortKey]: `${d.createdAt}#${d.id}`, ...d });
  const get = async (id: string) => {
    const res = await ddb.send(new GetCommand({ TableName: tableName, Key: key(id), ConsistentRead: true }));
    return res.Item ? Delivery.parse(stripKeys(res.Item)) : undefined;
  };
  return {
    get,
    claim: async (delivery, now) => {
      try {
        await ddb.send(
          new PutCommand({
            TableName: tableName,
            Item: item(delivery),
            // New, or pending with a lease that ran out (the sender died mid-send).
            ConditionExpression: 'attribute_not_exists(PK) OR (#status = :pending AND #lease < :now)',
            ExpressionAttributeNames: { '#status': 'status', '#lease': 'leaseUntil' },
            ExpressionAttributeValues: { ':pending': 'pending', ':now': now },
          }),
        );
        return { claimed: true };
      } catch (e) {
        if (!isConditionFailure(e)) throw e;
        const current = await get(delivery.id);
        if (!current) throw e;
        return { claimed: false, current };
      }
    },
    finish: async (delivery) => {
      await ddb.send(new PutCommand({ TableName: tableName, Item: item(delivery) }));
    },
    list: (projectId, query) => {
      const filters: string[] = [];
      const names: Record<string, string> = {};
      const values: Record<string, unknown> = { ':pk': `P#${projectId}#NDELIVERIES` };
      for (const field of ['status', 'runId', 'channelId'] as const) {
        const value = query[field];
        if (value === undefined) continue;
        filters.push(`#${field} = :${field}`);
        names[`#${field}`] = field;
        values[`:${field}`] = value;
      }
      return queryPage(
        ddb,
        {
          TableName: tableName,
          IndexName: index.name,
          KeyConditionExpression: `${index.partitionKey} = :pk`,
          ExpressionAttributeValues: values,
          ScanIndexForward: false,
          ...(filters.length === 0 ? {} : { FilterExpression: filters.join(' AND '), ExpressionAttributeNames: names }),
        },
        query,
        (i) => Delivery.parse(i),
      );
    },
  };
};
